package rules

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const (
	typeCacheCluster     = "AWS::ElastiCache::CacheCluster"
	typeReplicationGroup = "AWS::ElastiCache::ReplicationGroup"
)

// ElastiCache.1 to ElastiCache.7, judged as the Security Hub controls
// and the AWS Config managed rules behind them do.
func init() {
	clusters := []string{"elasticache:DescribeCacheClusters"}
	groups := []string{"elasticache:DescribeReplicationGroups"}
	register(
		&Rule{ID: "elasticache.automatic-backups", Title: "ElastiCache (Redis OSS, Valkey) clusters have automatic backups enabled", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeCacheCluster, Services: []string{"elasticache"},
			Reads:       []string{"elasticache:DescribeCacheClusters", "elasticache:DescribeReplicationGroups"},
			Rationale:   "An in-memory cache that is also a data store loses everything with its nodes unless daily snapshots are kept to restore from.",
			Remediation: "Set a snapshot retention limit of at least one day on the replication group or cluster (aws elasticache modify-replication-group --snapshot-retention-limit 7).",
			Mappings:    findings.Mappings{ConfigRule: "ELASTICACHE_REDIS_CLUSTER_AUTOMATIC_BACKUP_CHECK", SecurityHub: "ElastiCache.1", NistCsf: "PR.DS"},
			check:       checkElastiCacheBackups},
		&Rule{ID: "elasticache.auto-minor-version-upgrade", Title: "ElastiCache (Redis OSS, Valkey) clusters apply minor version upgrades automatically", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeCacheCluster, Services: []string{"elasticache"}, Reads: clusters,
			Rationale:   "Minor engine versions carry security fixes; a cluster that does not take them keeps known flaws until someone upgrades it by hand.",
			Remediation: "Modify the cluster (or its replication group) with --auto-minor-version-upgrade.",
			Mappings:    findings.Mappings{ConfigRule: "ELASTICACHE_AUTO_MINOR_VERSION_UPGRADE_CHECK", SecurityHub: "ElastiCache.2", NistCsf: "PR.PS"},
			check:       checkElastiCacheMinorUpgrade},
		&Rule{ID: "elasticache.automatic-failover", Title: "ElastiCache replication groups have automatic failover enabled", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeReplicationGroup, Services: []string{"elasticache"}, Reads: groups,
			Rationale:   "With automatic failover a replica takes over when the primary fails; without it writes stop until someone promotes a replica.",
			Remediation: "Add at least one replica and modify the replication group with --automatic-failover-enabled.",
			Mappings:    findings.Mappings{ConfigRule: "ELASTICACHE_REPL_GRP_AUTO_FAILOVER_ENABLED", SecurityHub: "ElastiCache.3", NistCsf: "PR.IR"},
			check:       checkElastiCacheFailover},
		&Rule{ID: "elasticache.encrypted-at-rest", Title: "ElastiCache replication groups are encrypted at rest", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeReplicationGroup, Services: []string{"elasticache"}, Reads: groups,
			Rationale:   "Snapshots, swap and data tiering write cached data to disk; encryption at rest keeps those copies unreadable without the key.",
			Remediation: "Encryption at rest is set when the group is created: create an encrypted replication group from a snapshot of this one and move the clients.",
			Mappings:    findings.Mappings{ConfigRule: "ELASTICACHE_REPL_GRP_ENCRYPTED_AT_REST", SecurityHub: "ElastiCache.4", NistCsf: "PR.DS"},
			check:       checkElastiCacheAtRest},
		&Rule{ID: "elasticache.encrypted-in-transit", Title: "ElastiCache replication groups are encrypted in transit", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeReplicationGroup, Services: []string{"elasticache"}, Reads: groups,
			Rationale:   "Without TLS, commands, keys and values cross the network in clear text between clients and nodes and between the nodes themselves.",
			Remediation: "Modify the replication group with --transit-encryption-enabled (mode preferred, then required once every client uses TLS).",
			Mappings:    findings.Mappings{ConfigRule: "ELASTICACHE_REPL_GRP_ENCRYPTED_IN_TRANSIT", SecurityHub: "ElastiCache.5", NistCsf: "PR.DS"},
			check:       checkElastiCacheInTransit},
		&Rule{ID: "elasticache.redis-auth", Title: "ElastiCache replication groups before Redis 6.0 use Redis AUTH", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeReplicationGroup, Services: []string{"elasticache"},
			Reads:       []string{"elasticache:DescribeReplicationGroups", "elasticache:DescribeCacheClusters"},
			Rationale:   "Before Redis 6.0 there is no role-based access control: without an AUTH token anyone who reaches the port can run any command.",
			Remediation: "Set an AUTH token on the replication group (aws elasticache modify-replication-group --auth-token ... --auth-token-update-strategy ROTATE; needs encryption in transit), or upgrade to Redis 6 or later and use RBAC user groups.",
			Mappings:    findings.Mappings{ConfigRule: "ELASTICACHE_REPL_GRP_REDIS_AUTH_ENABLED", SecurityHub: "ElastiCache.6", NistCsf: "PR.AA"},
			check:       checkElastiCacheAuth},
		&Rule{ID: "elasticache.custom-subnet-group", Title: "ElastiCache clusters do not use the default subnet group", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeCacheCluster, Services: []string{"elasticache"}, Reads: clusters,
			Rationale:   "The default subnet group takes the default VPC's subnets, which are public; a custom group keeps the nodes in the subnets chosen for them.",
			Remediation: "Create a cache subnet group of private subnets and recreate the cluster in it (the subnet group of a cluster cannot be changed).",
			Mappings:    findings.Mappings{ConfigRule: "ELASTICACHE_SUBNET_GROUP_CHECK", SecurityHub: "ElastiCache.7", NistCsf: "PR.IR"},
			check:       checkElastiCacheSubnetGroup},
	)
}

// redisLike reports whether an engine is Redis OSS or Valkey (the
// engines with backups, replication and AUTH; not Memcached).
func redisLike(engine string) bool {
	e := strings.ToLower(engine)
	return e == "redis" || e == "valkey"
}

func cacheClusters(c *Ctx) (*elasticache.DescribeCacheClustersOutput, error) {
	return get[elasticache.DescribeCacheClustersOutput](c.v, c.Region, "elasticache", "DescribeCacheClusters")
}

func replicationGroups(c *Ctx) (*elasticache.DescribeReplicationGroupsOutput, error) {
	return get[elasticache.DescribeReplicationGroupsOutput](c.v, c.Region, "elasticache", "DescribeReplicationGroups")
}

func cacheClusterARN(c *Ctx, cl *ectypes.CacheCluster) string {
	return nonEmpty(aws(cl.ARN), c.arn("elasticache", c.Region, c.accountID(), "cluster:"+aws(cl.CacheClusterId)))
}

func replicationGroupARN(c *Ctx, g *ectypes.ReplicationGroup) string {
	return nonEmpty(aws(g.ARN), c.arn("elasticache", c.Region, c.accountID(), "replicationgroup:"+aws(g.ReplicationGroupId)))
}

// eachCacheCluster runs fn on every cache cluster of the region that
// keep says is in scope; NOT_APPLICABLE when none is.
func eachCacheCluster(c *Ctx, what string, keep func(*ectypes.CacheCluster) bool, fn func(cl *ectypes.CacheCluster, arn, id string)) error {
	out, err := cacheClusters(c)
	if err != nil {
		return err
	}
	n := 0
	for i := range out.CacheClusters {
		cl := &out.CacheClusters[i]
		if !keep(cl) {
			continue
		}
		n++
		fn(cl, cacheClusterARN(c, cl), aws(cl.CacheClusterId))
	}
	if n == 0 {
		c.NA("", "no %s in %s", what, c.Region)
	}
	return nil
}

// eachReplicationGroup runs fn on every replication group of the region.
func eachReplicationGroup(c *Ctx, fn func(g *ectypes.ReplicationGroup, arn, id string)) error {
	out, err := replicationGroups(c)
	if err != nil {
		return err
	}
	if len(out.ReplicationGroups) == 0 {
		c.NA("", "no ElastiCache replication groups in %s", c.Region)
	}
	for i := range out.ReplicationGroups {
		g := &out.ReplicationGroups[i]
		fn(g, replicationGroupARN(c, g), aws(g.ReplicationGroupId))
	}
	return nil
}

func checkElastiCacheBackups(c *Ctx) error {
	groups, err := replicationGroups(c)
	if err != nil {
		return err
	}
	cls, err := cacheClusters(c)
	if err != nil {
		return err
	}
	judge := func(arn, what string, limit *int32) {
		n := int32(0)
		if limit != nil {
			n = *limit
		}
		c.Check(n >= 1, arn, what+" keeps automatic backups for "+strconv.Itoa(int(n))+" days",
			what+" has no automatic backups (snapshot retention limit "+strconv.Itoa(int(n))+")")
	}
	// Backups are set on a replication group for its nodes, and on a
	// standalone cluster for itself.
	n := 0
	for i := range groups.ReplicationGroups {
		g := &groups.ReplicationGroups[i]
		if e := aws(g.Engine); e != "" && !redisLike(e) {
			continue
		}
		n++
		judge(replicationGroupARN(c, g), "replication group "+aws(g.ReplicationGroupId), g.SnapshotRetentionLimit)
	}
	for i := range cls.CacheClusters {
		cl := &cls.CacheClusters[i]
		if !redisLike(aws(cl.Engine)) || aws(cl.ReplicationGroupId) != "" {
			continue
		}
		n++
		judge(cacheClusterARN(c, cl), "cache cluster "+aws(cl.CacheClusterId), cl.SnapshotRetentionLimit)
	}
	if n == 0 {
		c.NA("", "no Redis OSS or Valkey clusters in %s", c.Region)
	}
	return nil
}

func checkElastiCacheMinorUpgrade(c *Ctx) error {
	return eachCacheCluster(c, "Redis OSS or Valkey cache clusters", func(cl *ectypes.CacheCluster) bool { return redisLike(aws(cl.Engine)) },
		func(cl *ectypes.CacheCluster, arn, id string) {
			c.Check(boolv(cl.AutoMinorVersionUpgrade), arn, "cache cluster "+id+" applies minor version upgrades automatically",
				"cache cluster "+id+" does not apply minor version upgrades automatically")
		})
}

func checkElastiCacheFailover(c *Ctx) error {
	return eachReplicationGroup(c, func(g *ectypes.ReplicationGroup, arn, id string) {
		s := g.AutomaticFailover
		c.Check(s == ectypes.AutomaticFailoverStatusEnabled || s == ectypes.AutomaticFailoverStatusEnabling, arn,
			"replication group "+id+" has automatic failover enabled", "replication group "+id+" has automatic failover "+nonEmpty(string(s), "disabled"))
	})
}

func checkElastiCacheAtRest(c *Ctx) error {
	return eachReplicationGroup(c, func(g *ectypes.ReplicationGroup, arn, id string) {
		c.Check(boolv(g.AtRestEncryptionEnabled), arn, "replication group "+id+" is encrypted at rest", "replication group "+id+" is not encrypted at rest")
	})
}

func checkElastiCacheInTransit(c *Ctx) error {
	return eachReplicationGroup(c, func(g *ectypes.ReplicationGroup, arn, id string) {
		c.Check(boolv(g.TransitEncryptionEnabled), arn, "replication group "+id+" is encrypted in transit", "replication group "+id+" is not encrypted in transit")
	})
}

// redisMajor returns the major version of a Redis engine version
// ("5.0.6" → 5, "6.x" → 6), or -1 when it cannot be read.
func redisMajor(v string) int {
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return -1
	}
	return n
}

func checkElastiCacheAuth(c *Ctx) error {
	cls, err := cacheClusters(c)
	if err != nil {
		return err
	}
	version := map[string]string{} // cache cluster id → engine version
	for _, cl := range cls.CacheClusters {
		version[aws(cl.CacheClusterId)] = aws(cl.EngineVersion)
	}
	return eachReplicationGroup(c, func(g *ectypes.ReplicationGroup, arn, id string) {
		if e := aws(g.Engine); e != "" && !strings.EqualFold(e, "redis") {
			c.NA(arn, "replication group %s runs %s, which has role-based access control", id, e)
			return
		}
		low, known := false, false
		for _, m := range g.MemberClusters {
			if v, ok := version[m]; ok && redisMajor(v) >= 0 {
				known = true
				low = low || redisMajor(v) < 6
			}
		}
		switch {
		case !known:
			c.NA(arn, "replication group %s: the engine version of its nodes is unknown", id)
		case !low:
			c.NA(arn, "replication group %s runs Redis 6.0 or later (role-based access control)", id)
		default:
			c.Check(boolv(g.AuthTokenEnabled), arn, "replication group "+id+" runs Redis before 6.0 with an AUTH token",
				"replication group "+id+" runs Redis before 6.0 without an AUTH token")
		}
	})
}

func checkElastiCacheSubnetGroup(c *Ctx) error {
	return eachCacheCluster(c, "ElastiCache cache clusters", func(*ectypes.CacheCluster) bool { return true },
		func(cl *ectypes.CacheCluster, arn, id string) {
			sg := aws(cl.CacheSubnetGroupName)
			c.Check(sg != "default", arn, "cache cluster "+id+" uses the subnet group "+nonEmpty(sg, "(none)"),
				"cache cluster "+id+" uses the default subnet group")
		})
}
