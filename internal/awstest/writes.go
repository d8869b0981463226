package awstest

func (s *Server) registerWrites() {}
