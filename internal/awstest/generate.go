package awstest

//go:generate go run ./gen
