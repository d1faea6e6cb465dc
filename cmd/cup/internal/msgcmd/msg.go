// Package msgcmd implements "cup msg serve" and "cup msg send", a CUP
// message center on the command line (package netasync).
package msgcmd

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/netasync"
)

// NewCmd builds "cup msg" with its subcommands.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "msg <command>",
		Short: "Send and answer CUP async messages (cup.net.asyn wire format)",
	}
	cmd.AddCommand(NewServeCmd(f, nil))
	cmd.AddCommand(NewSendCmd(f, nil))
	return cmd
}

func parseListen(flag, s string) (netip.AddrPort, error) {
	if s == "" {
		return netip.AddrPort{}, cmdutil.FlagErrorf("--%s IP:PORT is required", flag)
	}
	ap, err := netip.ParseAddrPort(s)
	if err != nil || !ap.Addr().Unmap().Is4() {
		return netip.AddrPort{}, cmdutil.FlagErrorf("--%s %q: want IPv4:PORT", flag, s)
	}
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), nil
}

// ServeOptions are the parsed arguments of "cup msg serve".
type ServeOptions struct {
	IO     *cmdutil.IOStreams
	Listen netip.AddrPort
}

// NewServeCmd builds "cup msg serve". runF replaces the default run in
// tests.
func NewServeCmd(f *cmdutil.Factory, runF func(context.Context, *ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{}
	var listen string
	cmd := &cobra.Command{
		Use:   "serve --listen IP:PORT",
		Short: "Answer every message with the same flag, type, uniq_id and body",
		Long: "Run a message center on IP:PORT that answers every message by posting a message with\n" +
			"the same flag, type, uniq_id and body to the sender's from address, from its own listen\n" +
			"address. It prints \"listening on IP:PORT\" and runs until interrupted.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.IO = f.IO
			var err error
			if opts.Listen, err = parseListen("listen", listen); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runServe(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "", "listen address IPv4:PORT (required)")
	return cmd
}

func runServe(ctx context.Context, opts *ServeOptions) error {
	var c *netasync.Center
	c, err := netasync.NewCenter(netasync.Config{
		IP: opts.Listen.Addr(), Port: opts.Listen.Port(), SendQueueSize: 1024,
		Handler: netasync.HandlerFunc(func(ctx context.Context, m *netasync.Message) {
			r := netasync.NewMessage(c.Addr(), m.From, m.Type, m.ID, m.Body)
			r.Flag = m.Flag
			if err := postWait(ctx, c, r, 10*time.Second); err != nil {
				fmt.Fprintf(opts.IO.ErrOut, "cup: answer to %v: %v\n", m.From.AddrPort(), err)
			}
		}),
	})
	if err != nil {
		return err
	}
	if err := c.Start(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "listening on %v\n", c.Addr().AddrPort())
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.Stop(sctx)
}

// postWait posts m, waiting while the destination's queue is full, for at
// most d.
func postWait(ctx context.Context, c *netasync.Center, m *netasync.Message, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	for {
		err := c.Post(ctx, m)
		if !errors.Is(err, errs.ErrQueueFull) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Millisecond):
		}
	}
}

// SendOptions are the parsed arguments of "cup msg send".
type SendOptions struct {
	IO     *cmdutil.IOStreams
	Listen netip.AddrPort
	To     netip.AddrPort
	Count  int
	Type   uint32
	Body   string
	Wait   time.Duration
}

// NewSendCmd builds "cup msg send". runF replaces the default run in
// tests.
func NewSendCmd(f *cmdutil.Factory, runF func(context.Context, *SendOptions) error) *cobra.Command {
	opts := &SendOptions{}
	var listen, to, typ string
	cmd := &cobra.Command{
		Use:   "send --listen IP:PORT --to IP:PORT --count N [--type T] [--body S] [--wait DURATION]",
		Short: "Post N messages and optionally wait for their answers",
		Long: "Post N messages from a center listening on --listen to --to. With --wait, wait up to\n" +
			"DURATION for the answers (matched by uniq_id and body), print \"answered K/N\" and exit 0\n" +
			"only if all N arrived (124 on timeout).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.IO = f.IO
			var err error
			if opts.Listen, err = parseListen("listen", listen); err != nil {
				return err
			}
			if opts.To, err = parseListen("to", to); err != nil {
				return err
			}
			if opts.To.Port() == 0 || opts.To.Addr().IsUnspecified() {
				return cmdutil.FlagErrorf("--to %q: cannot send there", to)
			}
			if opts.Count < 1 {
				return cmdutil.FlagErrorf("--count %d: must be at least 1", opts.Count)
			}
			t, err := strconv.ParseUint(typ, 0, 32)
			if err != nil {
				return cmdutil.FlagErrorf("--type %q: want a uint32", typ)
			}
			opts.Type = uint32(t)
			if opts.Wait < 0 {
				return cmdutil.FlagErrorf("--wait %v: must not be negative", opts.Wait)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSend(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "", "our listen address IPv4:PORT, where answers arrive (required)")
	cmd.Flags().StringVar(&to, "to", "", "destination IPv4:PORT (required)")
	cmd.Flags().IntVar(&opts.Count, "count", 1, "number of messages")
	cmd.Flags().StringVar(&typ, "type", "3", "message type")
	cmd.Flags().StringVar(&opts.Body, "body", "ping", "message body")
	cmd.Flags().DurationVar(&opts.Wait, "wait", 0, "wait this long for all answers (0: do not wait)")
	return cmd
}

func runSend(ctx context.Context, opts *SendOptions) error {
	var (
		mu       sync.Mutex
		want     = map[netasync.UniqID]bool{} // outstanding ids
		answered int
		all      = make(chan struct{})
	)
	c, err := netasync.NewCenter(netasync.Config{
		IP: opts.Listen.Addr(), Port: opts.Listen.Port(),
		SendQueueSize: 1024,
		Handler: netasync.HandlerFunc(func(_ context.Context, m *netasync.Message) {
			mu.Lock()
			defer mu.Unlock()
			if want[m.ID] && string(m.Body) == opts.Body {
				delete(want, m.ID)
				answered++
				if answered == opts.Count {
					close(all)
				}
			}
		}),
	})
	if err != nil {
		return err
	}
	if err := c.Start(); err != nil {
		return err
	}
	defer c.Close()
	ids, err := netasync.NewIDGenerator(c.Addr().IP, c.Addr().Port)
	if err != nil {
		return err
	}
	to := netasync.AddrFrom(opts.To, 0, 0)
	body := []byte(opts.Body)
	deadline := time.Now().Add(max(opts.Wait, 10*time.Second))
	for i := 0; i < opts.Count; i++ {
		m := netasync.NewMessage(c.Addr(), to, netasync.MsgType(opts.Type), ids.Next(), body)
		mu.Lock()
		want[m.ID] = true
		mu.Unlock()
		if err := postWait(ctx, c, m, time.Until(deadline)); err != nil {
			return fmt.Errorf("message %d of %d: %w", i+1, opts.Count, err)
		}
	}
	if opts.Wait == 0 {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := c.Stop(sctx); err != nil {
			return fmt.Errorf("flushing %d messages: %w", opts.Count, err)
		}
		fmt.Fprintf(opts.IO.Out, "posted %d\n", opts.Count)
		return nil
	}
	timer := time.NewTimer(opts.Wait)
	defer timer.Stop()
	select {
	case <-all:
	case <-timer.C:
	case <-ctx.Done():
	}
	mu.Lock()
	k := answered
	mu.Unlock()
	fmt.Fprintf(opts.IO.Out, "answered %d/%d\n", k, opts.Count)
	if k < opts.Count {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return errs.New(errs.ErrTimeout, "%d of %d answers missing after %v", opts.Count-k, opts.Count, opts.Wait)
	}
	return nil
}
