package findings

import (
	"strings"
	"time"
)

// ASFFSchemaVersion is the AWS Security Finding Format version written.
const ASFFSchemaVersion = "2018-10-08"

// ASFFFinding is one finding in the AWS Security Finding Format, with
// every attribute BatchImportFindings requires and the compliance,
// workflow and remediation attributes a control check carries.
type ASFFFinding struct {
	SchemaVersion  string            `json:"SchemaVersion"`
	Id             string            `json:"Id"`
	ProductArn     string            `json:"ProductArn"`
	ProductName    string            `json:"ProductName,omitempty"`
	CompanyName    string            `json:"CompanyName,omitempty"`
	GeneratorId    string            `json:"GeneratorId"`
	AwsAccountId   string            `json:"AwsAccountId"`
	AwsAccountName string            `json:"AwsAccountName,omitempty"`
	Region         string            `json:"Region,omitempty"`
	Types          []string          `json:"Types"`
	CreatedAt      string            `json:"CreatedAt"`
	UpdatedAt      string            `json:"UpdatedAt"`
	Severity       ASFFSeverity      `json:"Severity"`
	Title          string            `json:"Title"`
	Description    string            `json:"Description"`
	Remediation    *ASFFRemediation  `json:"Remediation,omitempty"`
	ProductFields  map[string]string `json:"ProductFields,omitempty"`
	Resources      []ASFFResource    `json:"Resources"`
	Compliance     ASFFCompliance    `json:"Compliance"`
	Workflow       ASFFWorkflow      `json:"Workflow"`
	RecordState    string            `json:"RecordState"`
	Note           *ASFFNote         `json:"Note,omitempty"`
}

// ASFFSeverity is the Severity attribute.
type ASFFSeverity struct {
	Label string `json:"Label"`
}

// ASFFRemediation is the Remediation attribute.
type ASFFRemediation struct {
	Recommendation ASFFRecommendation `json:"Recommendation"`
}

// ASFFRecommendation is Remediation.Recommendation.
type ASFFRecommendation struct {
	Text string `json:"Text"`
}

// ASFFResource is one element of Resources.
type ASFFResource struct {
	Type      string `json:"Type"`
	Id        string `json:"Id"`
	Partition string `json:"Partition,omitempty"`
	Region    string `json:"Region,omitempty"`
}

// ASFFCompliance is the Compliance attribute.
type ASFFCompliance struct {
	Status              string   `json:"Status"`
	RelatedRequirements []string `json:"RelatedRequirements,omitempty"`
	SecurityControlId   string   `json:"SecurityControlId,omitempty"`
}

// ASFFWorkflow is the Workflow attribute.
type ASFFWorkflow struct {
	Status string `json:"Status"`
}

// ASFFNote is the Note attribute, used for mute reasons.
type ASFFNote struct {
	Text      string `json:"Text"`
	UpdatedBy string `json:"UpdatedBy"`
	UpdatedAt string `json:"UpdatedAt"`
}

// ASFFRequired lists the attributes BatchImportFindings requires.
var ASFFRequired = []string{"AwsAccountId", "CreatedAt", "Description", "GeneratorId", "Id", "ProductArn",
	"Resources", "SchemaVersion", "Severity", "Title", "Types", "UpdatedAt"}

// ToASFF converts a report's findings to ASFF. The product is the
// account's default custom product in the finding's region (the home
// region for global findings).
func ToASFF(r *Report) []ASFFFinding {
	out := make([]ASFFFinding, 0, len(r.Findings))
	for i := range r.Findings {
		out = append(out, r.asff(&r.Findings[i]))
	}
	return out
}

func (r *Report) asff(f *Finding) ASFFFinding {
	part := r.Partition
	if part == "" {
		part = "aws"
	}
	region := f.Region
	if region == "" || region == "global" {
		region = r.homeRegion()
	}
	gen := r.GeneratedAt.UTC().Format(time.RFC3339)
	created := gen
	if !r.SnapshotAt.IsZero() {
		created = r.SnapshotAt.UTC().Format(time.RFC3339)
	}
	info := r.Rules[f.RuleID]
	desc := info.Rationale
	if f.Message != "" {
		desc = f.Message + ". " + desc
	}
	if desc == "" {
		desc = f.Title
	}
	a := ASFFFinding{
		SchemaVersion:  ASFFSchemaVersion,
		Id:             "orgrail/" + f.RuleID + "/" + f.ID,
		ProductArn:     DefaultProductARN(part, region, f.Account),
		ProductName:    "orgrail",
		CompanyName:    "orgrail",
		GeneratorId:    "orgrail-" + f.RuleID,
		AwsAccountId:   f.Account,
		AwsAccountName: f.AccountName,
		Region:         region,
		Types:          asffTypes(f.Mappings),
		CreatedAt:      created,
		UpdatedAt:      gen,
		Severity:       ASFFSeverity{Label: asffSeverity(f)},
		Title:          truncate(f.Title, 256),
		Description:    truncate(desc, 1024),
		Resources: []ASFFResource{{
			Type: asffResourceType(f.ResourceType), Id: f.ResourceArn, Partition: part, Region: region,
		}},
		Compliance:  ASFFCompliance{Status: asffCompliance(f.Status), RelatedRequirements: requirements(f.Mappings)},
		Workflow:    ASFFWorkflow{Status: asffWorkflow(f.Status)},
		RecordState: asffRecordState(f.Status),
		ProductFields: map[string]string{
			"orgrail/RuleId": f.RuleID, "orgrail/OU": f.OU, "orgrail/Status": string(f.Status),
		},
	}
	// SecurityControlId holds one control: a rule that judges what two
	// controls judge (ES.1 and Opensearch.1) gives the first there and
	// all of them in ProductFields.
	if ids := ControlIDs(f.Mappings.SecurityHub); len(ids) > 0 {
		a.Compliance.SecurityControlId = ids[0]
		if len(ids) > 1 {
			a.ProductFields["orgrail/SecurityControlIds"] = strings.Join(ids, ",")
		}
	}
	if info.Remediation != "" {
		a.Remediation = &ASFFRemediation{Recommendation: ASFFRecommendation{Text: truncate(info.Remediation, 512)}}
	}
	if f.Muted && f.Status == Failed {
		a.Workflow.Status = "SUPPRESSED"
		a.Note = &ASFFNote{Text: truncate(f.MuteReason, 512), UpdatedBy: "orgrail", UpdatedAt: gen}
	}
	return a
}

func (r *Report) homeRegion() string {
	switch r.Partition {
	case "aws-cn":
		return "cn-north-1"
	case "aws-us-gov":
		return "us-gov-west-1"
	}
	return "us-east-1"
}

// The finding types of the ASFF types taxonomy (namespace/category/
// classifier) orgrail uses, spelled as the taxonomy spells them.
const (
	asffTypeBestPractices = "Software and Configuration Checks/AWS Security Best Practices"
	asffTypeStandards     = "Software and Configuration Checks/Industry and Regulatory Standards/"
	asffTypeFSBP          = asffTypeStandards + "AWS Foundational Security Best Practices"
	asffTypeCIS           = asffTypeStandards + "CIS AWS Foundations Benchmark"
	asffTypeNistCsf       = asffTypeStandards + "NIST CSF Controls (USA)"
)

func asffTypes(m Mappings) []string {
	var t []string
	if m.SecurityHub != "" {
		t = append(t, asffTypeFSBP)
	}
	if m.CIS != "" {
		t = append(t, asffTypeCIS)
	}
	if m.NistCsf != "" {
		t = append(t, asffTypeNistCsf)
	}
	return append(t, asffTypeBestPractices)
}

func requirements(m Mappings) []string {
	var r []string
	if m.CIS != "" {
		r = append(r, "CIS AWS Foundations Benchmark v3.0.0/"+m.CIS)
	}
	if m.NistCsf != "" {
		r = append(r, "NIST.CSF.2.0/"+m.NistCsf)
	}
	return r
}

func asffSeverity(f *Finding) string {
	if f.Status == Passed || f.Status == NotApplicable {
		return "INFORMATIONAL"
	}
	return strings.ToUpper(f.Severity.String())
}

// asffWorkflow is the workflow status Security Hub gives a control
// finding: a passed or not-applicable check is RESOLVED, the rest NEW.
func asffWorkflow(s Status) string {
	if s == Passed || s == NotApplicable {
		return "RESOLVED"
	}
	return "NEW"
}

// asffRecordState archives findings for checks that do not apply (as
// Security Hub archives a control finding whose resource is out of
// scope); the rest are ACTIVE.
func asffRecordState(s Status) string {
	if s == NotApplicable {
		return "ARCHIVED"
	}
	return "ACTIVE"
}

func asffCompliance(s Status) string {
	switch s {
	case Passed:
		return "PASSED"
	case Failed:
		return "FAILED"
	case Error:
		return "WARNING"
	}
	return "NOT_AVAILABLE"
}

// asffResourceType turns a CloudFormation-style type (AWS::RDS::DBInstance)
// into the ASFF resource type as the ASFF list spells it (AwsRdsDbInstance);
// types the list lacks are Other.
func asffResourceType(t string) string {
	if a, ok := asffTypeAliases[t]; ok {
		return a
	}
	if !strings.HasPrefix(t, "AWS::") {
		return "Other"
	}
	key := "aws" + strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(t, "AWS::"), "::", ""))
	if name, ok := asffResourceTypes()[key]; ok {
		return name
	}
	return "Other"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 3
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}
