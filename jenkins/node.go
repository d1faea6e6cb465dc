package jenkins

import (
	"context"
	"errors"
	"net/url"
	"strings"
)

type computerJSON struct {
	DisplayName        string                  `json:"displayName"`
	Offline            bool                    `json:"offline"`
	TemporarilyOffline bool                    `json:"temporarilyOffline"`
	Idle               bool                    `json:"idle"`
	NumExecutors       int                     `json:"numExecutors"`
	OfflineCauseReason string                  `json:"offlineCauseReason"`
	AssignedLabels     []struct{ Name string } `json:"assignedLabels"`
}

// Node is a Jenkins agent or the built-in node.
type Node struct {
	c    *Client
	Name string
	URL  string
	data computerJSON
}

// nodeURL maps a node name to its URL: the controller is "(built-in)"
// on current Jenkins and "(master)" on old ones.
func (c *Client) nodeURL(name string) string {
	switch strings.ToLower(name) {
	case "master", "(master)":
		return c.BaseURL() + "/computer/(master)"
	case "built-in node", "(built-in)", "built-in":
		return c.BaseURL() + "/computer/(built-in)"
	}
	return c.BaseURL() + "/computer/" + url.PathEscape(name)
}

// NodeNames lists the nodes' display names.
func (c *Client) NodeNames(ctx context.Context) ([]string, error) {
	var v struct{ Computer []computerJSON }
	if err := c.getJSON(ctx, c.BaseURL()+"/computer", url.Values{"tree": {"computer[displayName]"}}, &v); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(v.Computer))
	for _, n := range v.Computer {
		out = append(out, n.DisplayName)
	}
	return out, nil
}

// Node reads the node called name; unknown is ErrUnknownNode.
func (c *Client) Node(ctx context.Context, name string) (*Node, error) {
	n := &Node{c: c, Name: name, URL: c.nodeURL(name)}
	err := c.getJSON(ctx, n.URL, nil, &n.data)
	if errors.Is(err, ErrNotFound) && strings.EqualFold(name, "master") {
		// Jenkins >= 2.307 renamed the controller.
		n.URL = c.BaseURL() + "/computer/(built-in)"
		err = c.getJSON(ctx, n.URL, nil, &n.data)
	}
	if errors.Is(err, ErrNotFound) {
		return nil, wrapf(ErrUnknownNode, err, "node %q", name)
	}
	return n, err
}

func (n *Node) fresh(ctx context.Context, tree string) (computerJSON, error) {
	var v computerJSON
	err := n.c.getJSON(ctx, n.URL, url.Values{"tree": {tree}}, &v)
	return v, err
}

// IsOnline asks whether the node is online.
func (n *Node) IsOnline(ctx context.Context) (bool, error) {
	v, err := n.fresh(ctx, "offline")
	return !v.Offline, err
}

// IsTemporarilyOffline asks whether the node was marked offline by hand
// (CUP returned the inverse).
func (n *Node) IsTemporarilyOffline(ctx context.Context) (bool, error) {
	v, err := n.fresh(ctx, "temporarilyOffline")
	return v.TemporarilyOffline, err
}

// IsIdle asks whether no executor of the node is busy.
func (n *Node) IsIdle(ctx context.Context) (bool, error) {
	v, err := n.fresh(ctx, "idle")
	return v.Idle, err
}

// NumExecutors returns the executor count of the last read.
func (n *Node) NumExecutors() int { return n.data.NumExecutors }

// OfflineCause returns why the node is offline, if it says.
func (n *Node) OfflineCause() string { return n.data.OfflineCauseReason }

// Labels returns the node's labels.
func (n *Node) Labels() []string {
	out := make([]string, 0, len(n.data.AssignedLabels))
	for _, l := range n.data.AssignedLabels {
		out = append(out, l.Name)
	}
	return out
}

// Label is a label expression and the nodes it matches.
type Label struct {
	c    *Client
	Expr string
	URL  string
	data struct {
		Offline       bool `json:"offline"`
		BusyExecutors int  `json:"busyExecutors"`
		Nodes         []struct {
			NodeName string `json:"nodeName"`
		} `json:"nodes"`
		TiedJobs []nameURL `json:"tiedJobs"`
	}
}

// Label reads the label expression expr ("linux&&x64" is escaped); an
// unknown label is ErrNotFound.
func (c *Client) Label(ctx context.Context, expr string) (*Label, error) {
	l := &Label{c: c, Expr: expr, URL: c.BaseURL() + "/label/" + url.PathEscape(expr)}
	if err := c.getJSON(ctx, l.URL, nil, &l.data); err != nil {
		return nil, err
	}
	return l, nil
}

// NodeNames returns the names of the nodes with the label ("" is the
// built-in node, as Jenkins reports it).
func (l *Label) NodeNames() []string {
	out := make([]string, 0, len(l.data.Nodes))
	for _, n := range l.data.Nodes {
		out = append(out, n.NodeName)
	}
	return out
}

// Node reads one of the label's nodes; others are ErrUnknownNode.
func (l *Label) Node(ctx context.Context, name string) (*Node, error) {
	for _, n := range l.NodeNames() {
		if n == name {
			return l.c.Node(ctx, name)
		}
	}
	return nil, wrapf(ErrUnknownNode, nil, "node %q is not in label %q", name, l.Expr)
}

// TiedJobs returns the names of the jobs tied to the label.
func (l *Label) TiedJobs() []string { return names(l.data.TiedJobs) }

// BusyExecutors asks how many executors with the label are busy.
func (l *Label) BusyExecutors(ctx context.Context) (int, error) {
	var v struct {
		BusyExecutors int `json:"busyExecutors"`
	}
	err := l.c.getJSON(ctx, l.URL, url.Values{"tree": {"busyExecutors"}}, &v)
	return v.BusyExecutors, err
}

// IsOnline asks whether any node with the label is online.
func (l *Label) IsOnline(ctx context.Context) (bool, error) {
	var v struct {
		Offline bool `json:"offline"`
	}
	err := l.c.getJSON(ctx, l.URL, url.Values{"tree": {"offline"}}, &v)
	return !v.Offline, err
}
