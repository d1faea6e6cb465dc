package msgbroker

import (
	"slices"
	"sync"

	"github.com/cupgo/cup/errs"
)

// System records alerts per path (CUP SystemErrmsgBroker): fatal errors
// that should stop a path, warnings, and any other message type, with
// callbacks on arrival and on reaching a count. It is safe for concurrent
// use.
type System struct {
	name string
	opts Options

	mu    sync.Mutex
	paths map[string]*pathState
}

type pathState struct {
	msgs     []Msg
	stop     bool
	evicted  int
	watchers []*watcher
}

// watcher is a callback registration.
type watcher struct {
	t     Type
	each  func(Msg)   // OnMessage
	n     int         // OnCount threshold
	batch []Msg       // OnCount messages since the last call
	fn    func([]Msg) // OnCount
}

// NewSystem returns an empty broker. A negative MaxQueued is an error
// matching errs.ErrInvalidArgument.
func NewSystem(name string, opts Options) (*System, error) {
	if opts.MaxQueued < 0 {
		return nil, errs.New(errs.ErrInvalidArgument, "msgbroker: MaxQueued %d: want 0 or more", opts.MaxQueued)
	}
	return &System{name: name, opts: opts, paths: make(map[string]*pathState)}, nil
}

// Name returns the broker's name (CUP BaseBroker name).
func (s *System) Name() string { return s.name }

func (s *System) path(p string) *pathState {
	ps, ok := s.paths[p]
	if !ok {
		ps = &pathState{}
		s.paths[p] = ps
	}
	return ps
}

// Fatal records a fatal alert for path (CUP fatal_alert); with stop,
// NeedStop(path) reports true from now on, until Clean removes the fatal
// alerts.
func (s *System) Fatal(path, msg string, stop bool) {
	s.post(Msg{Type: TypeFatal, Path: path, Text: msg}, stop)
}

// Warn records a warning for path (CUP warnning_alert).
func (s *System) Warn(path, msg string) { s.post(Msg{Type: TypeWarn, Path: path, Text: msg}, false) }

// Register records a message of any type for path (CUP register_msg).
// A TypeFatal message does not make the path stop; use Fatal for that.
func (s *System) Register(path string, t Type, msg string) {
	s.post(Msg{Type: t, Path: path, Text: msg}, false)
}

// RegisterErr is Register with the error being reported attached.
func (s *System) RegisterErr(path string, t Type, msg string, err error) {
	s.post(Msg{Type: t, Path: path, Text: msg, Err: err}, false)
}

// post stores m and runs the callbacks it triggers, outside the lock, in
// registration order.
func (s *System) post(m Msg, stop bool) {
	m.Time = s.opts.now()
	var calls []func()
	s.mu.Lock()
	ps := s.path(m.Path)
	if len(ps.msgs) >= s.opts.maxQueued() {
		ps.msgs[0] = Msg{}
		ps.msgs = ps.msgs[1:]
		ps.evicted++
	}
	ps.msgs = append(ps.msgs, m)
	if stop {
		ps.stop = true
	}
	for _, w := range ps.watchers {
		if w.t != m.Type {
			continue
		}
		if w.each != nil {
			f := w.each
			calls = append(calls, func() { f(m) })
			continue
		}
		w.batch = append(w.batch, m)
		if len(w.batch) >= w.n {
			batch, f := w.batch, w.fn
			w.batch = nil
			calls = append(calls, func() { f(batch) })
		}
	}
	s.mu.Unlock()
	for _, call := range calls {
		call()
	}
}

// NeedStop reports whether a fatal alert asked path to stop (CUP
// need_stop).
func (s *System) NeedStop(path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, ok := s.paths[path]
	return ok && ps.stop
}

// FatalAlerts returns path's fatal messages, oldest first (CUP
// get_fatal_alerts).
func (s *System) FatalAlerts(path string) []Msg { return s.Messages(path, TypeFatal) }

// Messages returns path's messages of type t, oldest first.
func (s *System) Messages(path string, t Type) []Msg {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, ok := s.paths[path]
	if !ok {
		return nil
	}
	var out []Msg
	for _, m := range ps.msgs {
		if m.Type == t {
			out = append(out, m)
		}
	}
	return out
}

// Evicted returns how many of path's oldest messages were discarded to
// keep its history within MaxQueued.
func (s *System) Evicted(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ps, ok := s.paths[path]; ok {
		return ps.evicted
	}
	return 0
}

// Clean removes path's messages except those of the excluded types (CUP
// clean_data). Unless TypeFatal is excluded, the path no longer needs to
// stop. Callback registrations stay.
func (s *System) Clean(path string, exclude ...Type) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, ok := s.paths[path]
	if !ok {
		return
	}
	ps.msgs = slices.DeleteFunc(ps.msgs, func(m Msg) bool { return !slices.Contains(exclude, m.Type) })
	if !slices.Contains(exclude, TypeFatal) {
		ps.stop = false
	}
	for _, w := range ps.watchers {
		if !slices.Contains(exclude, w.t) {
			w.batch = nil
		}
	}
}

// OnCount calls fn with the messages each time n new messages of type t
// arrived for path (CUP register_wakeup with alert_cap_num n). n < 1 or a
// nil fn is an error matching errs.ErrInvalidArgument.
func (s *System) OnCount(path string, t Type, n int, fn func([]Msg)) error {
	if n < 1 || fn == nil {
		return errs.New(errs.ErrInvalidArgument, "msgbroker: OnCount(%q, %v, %d): want n ≥ 1 and a function", path, t, n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := s.path(path)
	ps.watchers = append(ps.watchers, &watcher{t: t, n: n, fn: fn})
	return nil
}

// OnMessage calls fn for every new message of type t for path (CUP
// register_msgtype_callback). A nil fn is an error matching
// errs.ErrInvalidArgument.
func (s *System) OnMessage(path string, t Type, fn func(Msg)) error {
	if fn == nil {
		return errs.New(errs.ErrInvalidArgument, "msgbroker: OnMessage(%q, %v) with a nil function", path, t)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := s.path(path)
	ps.watchers = append(ps.watchers, &watcher{t: t, each: fn})
	return nil
}
