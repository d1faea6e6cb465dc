package jenkins

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

type queueJSON struct {
	ID         int64            `json:"id"`
	Task       nameURL          `json:"task"`
	Actions    []map[string]any `json:"actions"`
	Why        *string          `json:"why"`
	Blocked    bool             `json:"blocked"`
	Buildable  bool             `json:"buildable"`
	Stuck      bool             `json:"stuck"`
	Cancelled  bool             `json:"cancelled"`
	Executable *numURL          `json:"executable"`
}

// QueueItem is an entry of the build queue, as of its last poll.
type QueueItem struct {
	c *Client
	// ID is the queue id.
	ID int64
	// URL is {base}/queue/item/ID.
	URL  string
	data queueJSON
}

// QueueItemInfo summarises a queued item.
type QueueItemInfo struct {
	ID      int64  `json:"id"`
	JobName string `json:"job"`
	JobURL  string `json:"jobUrl"`
	Why     string `json:"why"`
	Blocked bool   `json:"blocked"`
	Stuck   bool   `json:"stuck"`
}

// Queue lists the build queue (not offered by CUP's server object).
func (c *Client) Queue(ctx context.Context) ([]QueueItemInfo, error) {
	var v struct{ Items []queueJSON }
	if err := c.getJSON(ctx, c.BaseURL()+"/queue", nil, &v); err != nil {
		return nil, err
	}
	out := make([]QueueItemInfo, 0, len(v.Items))
	for _, it := range v.Items {
		qi := QueueItemInfo{ID: it.ID, JobName: it.Task.Name, JobURL: it.Task.URL, Blocked: it.Blocked, Stuck: it.Stuck}
		if it.Why != nil {
			qi.Why = *it.Why
		}
		out = append(out, qi)
	}
	return out, nil
}

// QueueItem reads queue item id; a forgotten item is ErrUnknownQueueItem.
func (c *Client) QueueItem(ctx context.Context, id int64) (*QueueItem, error) {
	q := &QueueItem{c: c, ID: id, URL: c.BaseURL() + "/queue/item/" + strconv.FormatInt(id, 10)}
	if err := q.poll(ctx); err != nil {
		return nil, err
	}
	return q, nil
}

// CancelQueueItem cancels queue item id (CUP's Queue.delete_item_by_id,
// which never worked).
func (c *Client) CancelQueueItem(ctx context.Context, id int64) error {
	return c.post(ctx, c.BaseURL()+"/queue/cancelItem", url.Values{"id": {strconv.FormatInt(id, 10)}}, nil)
}

func (q *QueueItem) poll(ctx context.Context) error {
	var d queueJSON
	if err := q.c.getJSON(ctx, q.URL, nil, &d); err != nil {
		if errors.Is(err, ErrNotFound) {
			return wrapf(ErrUnknownQueueItem, err, "queue item %d", q.ID)
		}
		return err
	}
	q.data = d
	return nil
}

// Refresh re-reads the item.
func (q *QueueItem) Refresh(ctx context.Context) error { return q.poll(ctx) }

// String returns "NAME Queue #ID" (CUP str()).
func (q *QueueItem) String() string { return fmt.Sprintf("%s Queue #%d", q.data.Task.Name, q.ID) }

// JobName returns task.name: the short name for jobs inside folders.
func (q *QueueItem) JobName() string { return q.data.Task.Name }

// Why returns why the item waits ("" when it does not say).
func (q *QueueItem) Why() string {
	if q.data.Why == nil {
		return ""
	}
	return *q.data.Why
}

// Cancelled reports whether the item was cancelled.
func (q *QueueItem) Cancelled() bool { return q.data.Cancelled }

// Job reads the item's job from task.url (folders work).
func (q *QueueItem) Job(ctx context.Context) (*Job, error) {
	if q.data.Task.URL == "" {
		return nil, wrapf(ErrBadValue, nil, "queue item %d has no task URL", q.ID)
	}
	return q.c.jobAt(ctx, q.data.Task.URL)
}

// Parameters returns the build parameters of the item (empty map when
// none; CUP returned a list then).
func (q *QueueItem) Parameters() map[string]string {
	out := map[string]string{}
	for _, a := range q.data.Actions {
		ps, ok := a["parameters"].([]any)
		if !ok {
			continue
		}
		for _, p := range ps {
			m, _ := p.(map[string]any)
			name, _ := m["name"].(string)
			if name == "" {
				continue
			}
			out[name] = fmt.Sprint(m["value"])
		}
		break
	}
	return out
}

// BuildNumber returns the build number once the item started, else
// ErrNotBuiltYet.
func (q *QueueItem) BuildNumber() (int, error) {
	if q.data.Executable == nil {
		return 0, wrapf(ErrNotBuiltYet, nil, "queue item %d", q.ID)
	}
	return q.data.Executable.Number, nil
}

// Build reads the build the item became (from executable.url, one GET),
// or ErrNotBuiltYet.
func (q *QueueItem) Build(ctx context.Context) (*Build, error) {
	if q.data.Executable == nil {
		return nil, wrapf(ErrNotBuiltYet, nil, "queue item %d", q.ID)
	}
	return q.c.buildAt(ctx, q.data.Executable.URL)
}

// IsRunning reports whether the item's build exists and runs.
func (q *QueueItem) IsRunning(ctx context.Context) (bool, error) {
	b, err := q.Build(ctx)
	if errors.Is(err, ErrNotBuiltYet) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return b.IsRunning(ctx)
}

// WaitUntilBuilding polls every interval (0: the client's poll interval)
// until the item has a build and returns it. ctx bounds the wait: its
// deadline gives ErrTimeout (matching context.DeadlineExceeded). A
// cancelled item is ErrCancelled, a forgotten one ErrUnknownQueueItem.
func (q *QueueItem) WaitUntilBuilding(ctx context.Context, every time.Duration) (*Build, error) {
	if q.c.static {
		return nil, wrapf(ErrStaticMode, nil, "WaitUntilBuilding")
	}
	var b *Build
	err := wait(ctx, q.c.pollEvery(every), fmt.Sprintf("for queue item %d to start", q.ID), func() (bool, error) {
		if err := q.poll(ctx); err != nil {
			return false, err
		}
		if q.data.Cancelled {
			return false, wrapf(ErrCancelled, nil, "queue item %d (%s)", q.ID, q.data.Task.Name)
		}
		if q.data.Executable == nil {
			return false, nil
		}
		var err error
		b, err = q.c.buildAt(ctx, q.data.Executable.URL)
		return err == nil, err
	})
	return b, err
}

// WaitUntilComplete waits for the item to start and then for its build
// to finish, under one ctx deadline, and returns the finished build.
func (q *QueueItem) WaitUntilComplete(ctx context.Context, every time.Duration) (*Build, error) {
	b, err := q.WaitUntilBuilding(ctx, every)
	if err != nil {
		return nil, err
	}
	return b, b.WaitUntilComplete(ctx, every)
}
