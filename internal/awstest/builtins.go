package awstest

// registerBuiltins installs the handlers the server ships with: STS,
// Organizations and the writes. Catalog reads need no handler: the
// server answers them from the snapshot.
func (s *Server) registerBuiltins() {
	s.registerSTS()
	s.registerOrganizations()
	s.registerWrites()
	s.registerContacts()
	s.registerIAMReads()
	s.registerEC2Writes()
	s.registerBaselineServices()
	s.registerVPCWrites()
	s.registerRootAccess()
	s.registerInvitations()
}
