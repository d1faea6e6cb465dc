package jenkins

import (
	"context"
	"errors"
	"net/url"
	"strconv"
)

// Promotions lists the promotion processes of the job (promoted-builds
// plugin); a job without the plugin has none.
func (j *Job) Promotions(ctx context.Context) ([]string, error) {
	var v struct {
		Processes []nameURL `json:"processes"`
	}
	err := j.c.getJSON(ctx, j.URL+"/promotion", nil, &v)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return names(v.Processes), nil
}

// Promotion is one promotion process of a job.
type Promotion struct {
	c    *Client
	Name string
	URL  string
	data struct {
		InQueue         bool     `json:"inQueue"`
		NextBuildNumber int      `json:"nextBuildNumber"`
		Builds          []numURL `json:"builds"`
		LastBuild       *numURL  `json:"lastBuild"`
	}
}

// Promotion reads promotion process name; unknown is ErrUnknownPromotion.
func (j *Job) Promotion(ctx context.Context, name string) (*Promotion, error) {
	ps, err := j.Promotions(ctx)
	if err != nil {
		return nil, err
	}
	found := false
	for _, p := range ps {
		found = found || p == name
	}
	if !found {
		return nil, wrapf(ErrUnknownPromotion, nil, "job %s has no promotion %q", j.Name, name)
	}
	p := &Promotion{c: j.c, Name: name, URL: j.URL + "/promotion/process/" + url.PathEscape(name)}
	if err := j.c.getJSON(ctx, p.URL, nil, &p.data); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, wrapf(ErrUnknownPromotion, err, "promotion %q", name)
		}
		return nil, err
	}
	return p, nil
}

// IsQueued asks whether the promotion waits in the queue.
func (p *Promotion) IsQueued(ctx context.Context) (bool, error) {
	var v struct {
		InQueue bool `json:"inQueue"`
	}
	err := p.c.getJSON(ctx, p.URL, url.Values{"tree": {"inQueue"}}, &v)
	return v.InQueue, err
}

// NextBuildNumber returns the promotion's next build number.
func (p *Promotion) NextBuildNumber() int { return p.data.NextBuildNumber }

// BuildNumbers returns the promotion build numbers of the last read.
func (p *Promotion) BuildNumbers() []int {
	out := make([]int, 0, len(p.data.Builds))
	for _, b := range p.data.Builds {
		out = append(out, b.Number)
	}
	return out
}

// PromotionBuild is one run of a promotion process; it has every Build
// accessor plus the promoted job build.
type PromotionBuild struct {
	*Build
}

// Build reads promotion build n.
func (p *Promotion) Build(ctx context.Context, n int) (*PromotionBuild, error) {
	b, err := p.c.buildAt(ctx, p.URL+"/"+strconv.Itoa(n))
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, wrapf(ErrNoBuildData, err, "promotion %s build #%d", p.Name, n)
		}
		return nil, err
	}
	return &PromotionBuild{Build: b}, nil
}

// TargetBuildNumber returns the number of the promoted job build.
func (pb *PromotionBuild) TargetBuildNumber() (int, bool) {
	if pb.data.Target == nil {
		return 0, false
	}
	return pb.data.Target.Number, true
}

// TargetBuild reads the promoted job build.
func (pb *PromotionBuild) TargetBuild(ctx context.Context) (*Build, error) {
	if pb.data.Target == nil || pb.data.Target.URL == "" {
		return nil, wrapf(ErrNoBuildData, nil, "%s has no target", pb.URL)
	}
	return pb.c.buildAt(ctx, pb.data.Target.URL)
}
