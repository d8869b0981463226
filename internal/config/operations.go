package config

// Operations says how the platform is run, for the runbooks and the user
// guide that orgrail renders from the configuration (orgrail runbook,
// orgrail guide). Every field is optional: a runbook states what is not
// configured rather than guessing.
type Operations struct {
	Approvers Approvers `yaml:"approvers" json:"approvers,omitzero" doc:"Who approves each kind of change: teams or people, as the organization names them."`
	// SecurityContact and PlatformContact say whom to call.
	SecurityContact string    `yaml:"securityContact" json:"securityContact,omitempty" doc:"How to reach the security team (mailbox, chat channel, on-call rotation)."`
	PlatformContact string    `yaml:"platformContact" json:"platformContact,omitempty" doc:"How to reach the platform (cloud) team."`
	AccessPortal    string    `yaml:"accessPortal" json:"accessPortal,omitempty" pattern:"^https://" doc:"URL of the AWS access portal (IAM Identity Center) people sign in to."`
	AccessRequest   string    `yaml:"accessRequest" json:"accessRequest,omitempty" doc:"How people ask for access to an account: the form, ticket queue or channel."`
	VendingOU       string    `yaml:"vendingOU" json:"vendingOU,omitempty" doc:"OU path new workload accounts are created in before they move to their environment's OU (default: the first OU under Workloads, else Root)."`
	Pos             Positions `yaml:"-" json:"-"`
}

// Approvers lists who approves each kind of change.
type Approvers struct {
	AccountVending []string  `yaml:"accountVending" json:"accountVending,omitempty" doc:"Approve a new account (owner, OU, budget)."`
	Exceptions     []string  `yaml:"exceptions" json:"exceptions,omitempty" doc:"Approve an exception (mute) of a detective guardrail."`
	PolicyChanges  []string  `yaml:"policyChanges" json:"policyChanges,omitempty" doc:"Approve a change to SCPs, RCPs and other organization policies."`
	Incidents      []string  `yaml:"incidents" json:"incidents,omitempty" doc:"Lead incident response (the incident commander's rota)."`
	Pos            Positions `yaml:"-" json:"-"`
}
