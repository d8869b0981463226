package plan

// delegatedAdmins registers the configured delegated administrators,
// deregistering another account that holds the service first.
func (b *builder) delegatedAdmins() {
	for _, d := range b.cfg.Organization.DelegatedAdministrators {
		c := b.cfg.Account(d.Account)
		if c == nil || d.Service == "" {
			continue
		}
		ch := Change{Key: keyDelegated(d.Service, c.Name), Kind: KindDelegatedAdm, Action: Register,
			Address: "delegated administrator " + c.Name + " for " + d.Service, Ref: Ref{Service: d.Service, Account: c.Name},
			Result: StateRegistered}
		if Observe(&ch, b.v) == StateRegistered {
			continue
		}
		deps := b.dep(keyTrusted(d.Service), keyAccount(c.Name))
		if old := b.cur.DelegatedAdminFor(d.Service); old != "" {
			name := b.v.TargetRef(old)
			undo := Change{Key: keyUndelegated(d.Service, name), Kind: KindDelegatedAdm, Action: Deregister,
				Address: "delegated administrator " + name + " for " + d.Service, Ref: Ref{Service: d.Service, Account: name, AccountID: old},
				Result: StateAbsent}
			b.add(undo)
			deps = append(deps, undo.Key)
		}
		ch.DependsOn = deps
		b.add(ch)
	}
}
