package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"
)

func init() {
	collectors["codebuild"] = collectCodeBuild
}

// codeBuildBatch is the most project names BatchGetProjects accepts.
const codeBuildBatch = 100

// collectCodeBuild reads the region's build projects (source, environment,
// logs). Environment variable values are redacted when the file is
// written, their names and types kept; credentials in a source URL are
// replaced by the redaction marker (snapshot.RedactJSON).
func collectCodeBuild(j *job) {
	c := codebuild.NewFromConfig(j.cfg)
	ps := once(j, "ListProjects", func(ctx context.Context) (*codebuild.ListProjectsOutput, error) {
		p := codebuild.NewListProjectsPaginator(c, &codebuild.ListProjectsInput{})
		return allPages(ctx, &codebuild.ListProjectsOutput{}, p.HasMorePages, p.NextPage)
	})
	if ps == nil || len(ps.Projects) == 0 {
		return
	}
	once(j, "BatchGetProjects", func(ctx context.Context) (*codebuild.BatchGetProjectsOutput, error) {
		out := &codebuild.BatchGetProjectsOutput{Projects: []cbtypes.Project{}, ProjectsNotFound: []string{}}
		for _, b := range containerBatches(ps.Projects, codeBuildBatch) {
			pg, err := c.BatchGetProjects(ctx, &codebuild.BatchGetProjectsInput{Names: b})
			if err != nil {
				return nil, err
			}
			out.Projects = append(out.Projects, pg.Projects...)
			out.ProjectsNotFound = append(out.ProjectsNotFound, pg.ProjectsNotFound...)
		}
		return out, nil
	})
}
