package vending

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"

	"github.com/orgrail/orgrail/internal/config"
)

// allocate returns the VPC CIDR of the request: the one it was given
// before, else the first block of standards.network.vpcPrefixLength in
// the pool that overlaps neither a reserved range nor an allocation
// recorded in the store. The store's primary key on the CIDR makes a
// concurrent allocation of the same block fail, and it is tried again.
func (r *run) allocate(ctx context.Context) (string, error) {
	std := r.cfg.Standards.Network
	pool, err := netip.ParsePrefix(std.Pool)
	if err != nil {
		return "", fmt.Errorf("standards.network.pool %q: %w", std.Pool, err)
	}
	for range 5 {
		var have string
		err := r.j.db.QueryRowContext(ctx, `SELECT cidr FROM vpc_allocations WHERE request_key = ?`, r.j.key).Scan(&have)
		if err == nil {
			return have, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("VPC allocations: %w", err)
		}
		used, err := r.usedCIDRs(ctx)
		if err != nil {
			return "", err
		}
		cidr, ok := firstFree(pool, std.PrefixLen(), used)
		if !ok {
			return "", fmt.Errorf("standards.network.pool %s has no free /%d left (%d allocated or reserved)", std.Pool, std.PrefixLen(), len(used))
		}
		_, err = r.j.db.ExecContext(ctx, `INSERT INTO vpc_allocations (cidr, pool, request_key, allocated_at) VALUES (?, ?, ?, ?)`,
			cidr.String(), std.Pool, r.j.key, now())
		if err == nil {
			return cidr.String(), nil
		}
		// Taken meanwhile by another run: look again.
	}
	return "", fmt.Errorf("allocating a VPC CIDR from %s: the store kept refusing (concurrent allocations?)", std.Pool)
}

// usedCIDRs are the reserved ranges and every recorded allocation.
func (r *run) usedCIDRs(ctx context.Context) ([]netip.Prefix, error) {
	var used []netip.Prefix
	for _, s := range r.cfg.Standards.Network.Reserved {
		if p, err := netip.ParsePrefix(s); err == nil {
			used = append(used, p.Masked())
		}
	}
	rows, err := r.j.db.QueryContext(ctx, `SELECT cidr FROM vpc_allocations`)
	if err != nil {
		return nil, fmt.Errorf("VPC allocations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("VPC allocations: %w", err)
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			used = append(used, p)
		}
	}
	return used, rows.Err()
}

// firstFree returns the first block of size bits in pool overlapping
// none of used.
func firstFree(pool netip.Prefix, bits int, used []netip.Prefix) (netip.Prefix, bool) {
	if bits < pool.Bits() || bits > 32 {
		return netip.Prefix{}, false
	}
	step := uint64(1) << (32 - bits)
	a := pool.Addr().As4()
	start := uint64(a[0])<<24 | uint64(a[1])<<16 | uint64(a[2])<<8 | uint64(a[3])
	end := start + uint64(1)<<(32-pool.Bits())
	for at := start; at < end; at += step {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(at >> 24), byte(at >> 16), byte(at >> 8), byte(at)}), bits)
		clash := false
		for _, u := range used {
			if u.Overlaps(p) {
				clash = true
				// Skip past the used block when it is the larger one.
				if u.Bits() < bits {
					ua := u.Addr().As4()
					uEnd := (uint64(ua[0])<<24 | uint64(ua[1])<<16 | uint64(ua[2])<<8 | uint64(ua[3])) + uint64(1)<<(32-u.Bits())
					at = uEnd - step
				}
				break
			}
		}
		if !clash {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// recordCIDR records the CIDR of a VPC found in the account (made by
// an earlier run) as the request's allocation.
func (r *run) recordCIDR(ctx context.Context, cidr string) error {
	_, err := r.j.db.ExecContext(ctx, `INSERT INTO vpc_allocations (cidr, pool, request_key, allocated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (request_key) DO UPDATE SET cidr = excluded.cidr`, cidr, poolName(r.cfg.Standards.Network), r.j.key, now())
	if err != nil {
		return fmt.Errorf("recording the VPC CIDR %s: %w", cidr, err)
	}
	return nil
}

// poolName is what the store records as an allocation's pool: the CIDR
// pool, or the IPAM pool id.
func poolName(n config.Network) string {
	if n.UsesIPAM() {
		return n.IPAMPoolID
	}
	return n.Pool
}
