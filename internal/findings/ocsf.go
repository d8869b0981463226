package findings

// OCSF Compliance Finding constants (OCSF 1.3, category Findings).
const (
	OCSFVersion        = "1.3.0"
	OCSFClassUID       = 2003
	OCSFCategoryUID    = 2
	OCSFActivityCreate = 1
)

// OCSFRequired lists the attributes class 2003 requires.
var OCSFRequired = []string{"activity_id", "category_uid", "class_uid", "compliance", "finding_info",
	"metadata", "severity_id", "time", "type_uid"}

// OCSFFinding is one Compliance Finding event.
type OCSFFinding struct {
	ActivityID   int              `json:"activity_id"`
	ActivityName string           `json:"activity_name"`
	CategoryUID  int              `json:"category_uid"`
	CategoryName string           `json:"category_name"`
	ClassUID     int              `json:"class_uid"`
	ClassName    string           `json:"class_name"`
	TypeUID      int              `json:"type_uid"`
	Time         int64            `json:"time"`
	SeverityID   int              `json:"severity_id"`
	Severity     string           `json:"severity"`
	StatusID     int              `json:"status_id"`
	Status       string           `json:"status"`
	Message      string           `json:"message,omitempty"`
	Compliance   OCSFCompliance   `json:"compliance"`
	FindingInfo  OCSFFindingInfo  `json:"finding_info"`
	Metadata     OCSFMetadata     `json:"metadata"`
	Cloud        OCSFCloud        `json:"cloud"`
	Resources    []OCSFResource   `json:"resources"`
	Remediation  *OCSFRemediation `json:"remediation,omitempty"`
	Unmapped     map[string]any   `json:"unmapped,omitempty"`
}

// OCSFCompliance is the compliance object.
type OCSFCompliance struct {
	Standards    []string `json:"standards"`
	Requirements []string `json:"requirements,omitempty"`
	Control      string   `json:"control,omitempty"`
	StatusID     int      `json:"status_id,omitempty"`
	Status       string   `json:"status,omitempty"`
	StatusDetail string   `json:"status_detail,omitempty"`
}

// OCSFFindingInfo is the finding_info object.
type OCSFFindingInfo struct {
	UID         string   `json:"uid"`
	Title       string   `json:"title"`
	Desc        string   `json:"desc,omitempty"`
	CreatedTime int64    `json:"created_time,omitempty"`
	Types       []string `json:"types,omitempty"`
}

// OCSFMetadata is the metadata object.
type OCSFMetadata struct {
	Version  string      `json:"version"`
	Product  OCSFProduct `json:"product"`
	Profiles []string    `json:"profiles"`
}

// OCSFProfiles are the OCSF profiles whose attributes orgrail writes:
// cloud (the cloud object, and resources' region and cloud_partition).
var OCSFProfiles = []string{"cloud"}

// OCSFProduct names the tool that made the finding.
type OCSFProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
}

// OCSFCloud is the cloud object.
type OCSFCloud struct {
	Provider string      `json:"provider"`
	Region   string      `json:"region,omitempty"`
	Account  OCSFAccount `json:"account"`
	Org      *OCSFOrg    `json:"org,omitempty"`
}

// OCSFAccount is the cloud account.
type OCSFAccount struct {
	UID    string `json:"uid"`
	Name   string `json:"name,omitempty"`
	Type   string `json:"type"`
	TypeID int    `json:"type_id"`
}

// OCSFOrg is the organization and OU of the account.
type OCSFOrg struct {
	UID    string `json:"uid,omitempty"`
	OUName string `json:"ou_name,omitempty"`
}

// OCSFResource is one resource details object.
type OCSFResource struct {
	UID            string `json:"uid"`
	Type           string `json:"type,omitempty"`
	Region         string `json:"region,omitempty"`
	CloudPartition string `json:"cloud_partition,omitempty"`
}

// OCSFRemediation is the remediation object.
type OCSFRemediation struct {
	Desc string `json:"desc"`
}

// ToOCSF converts a report's findings to OCSF Compliance Findings.
func ToOCSF(r *Report) []OCSFFinding {
	out := make([]OCSFFinding, 0, len(r.Findings))
	now := r.GeneratedAt.UnixMilli()
	created := now
	if !r.SnapshotAt.IsZero() {
		created = r.SnapshotAt.UnixMilli()
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		info := r.Rules[f.RuleID]
		sevID := int(f.Severity) + 1
		o := OCSFFinding{
			ActivityID: OCSFActivityCreate, ActivityName: "Create",
			CategoryUID: OCSFCategoryUID, CategoryName: "Findings",
			ClassUID: OCSFClassUID, ClassName: "Compliance Finding",
			TypeUID:    OCSFClassUID*100 + OCSFActivityCreate,
			Time:       now,
			SeverityID: sevID, Severity: titleCase(f.Severity.String()),
			StatusID: 1, Status: "New",
			Message: f.Message,
			Compliance: OCSFCompliance{
				Standards:    standards(f.Mappings),
				Requirements: requirements(f.Mappings),
				Control:      f.RuleID,
			},
			FindingInfo: OCSFFindingInfo{UID: f.ID, Title: f.Title, Desc: info.Rationale, CreatedTime: created,
				Types: []string{"orgrail/" + f.RuleID}},
			Metadata: OCSFMetadata{Version: OCSFVersion, Product: OCSFProduct{Name: "orgrail", VendorName: "orgrail"}, Profiles: OCSFProfiles},
			Cloud: OCSFCloud{Provider: "AWS", Region: f.Region,
				Account: OCSFAccount{UID: f.Account, Name: f.AccountName, Type: "AWS Account", TypeID: 10}},
			Resources: []OCSFResource{{UID: f.ResourceArn, Type: f.ResourceType, Region: f.Region, CloudPartition: r.Partition}},
		}
		if r.OrgID != "" || f.OU != "" {
			o.Cloud.Org = &OCSFOrg{UID: r.OrgID, OUName: f.OU}
		}
		o.Compliance.StatusID, o.Compliance.Status = ocsfCompliance(f.Status)
		if f.Status == NotApplicable {
			// OCSF 1.3 compliance status_id has Pass, Warning and Fail
			// only: a check that does not apply has none, and the finding
			// is resolved (as Security Hub archives such findings).
			o.Compliance.StatusDetail = "Not applicable"
			o.StatusID, o.Status = 4, "Resolved"
		}
		if f.Muted && f.Status == Failed {
			o.StatusID, o.Status = 3, "Suppressed"
			o.Unmapped = map[string]any{"muteReason": f.MuteReason, "muteExpires": f.MuteExpires}
		} else if f.Status == Passed {
			o.StatusID, o.Status = 4, "Resolved"
		}
		if info.Remediation != "" {
			o.Remediation = &OCSFRemediation{Desc: info.Remediation}
		}
		out = append(out, o)
	}
	return out
}

func standards(m Mappings) []string {
	s := []string{"orgrail"}
	if m.CIS != "" {
		s = append(s, "CIS AWS Foundations Benchmark v3.0.0")
	}
	if m.SecurityHub != "" {
		s = append(s, "AWS Foundational Security Best Practices")
	}
	if m.NistCsf != "" {
		s = append(s, "NIST CSF 2.0")
	}
	if m.ControlTower != "" {
		s = append(s, "AWS Control Tower")
	}
	return s
}

func ocsfCompliance(s Status) (int, string) {
	switch s {
	case Passed:
		return 1, "Pass"
	case Failed:
		return 3, "Fail"
	case Error:
		return 2, "Warning"
	}
	return 0, ""
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
