package heartbeat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/cupgo/cup/errs"
	cupnet "github.com/cupgo/cup/net"
	"github.com/cupgo/cup/res"
)

// HostInfo is the resource record an agent reports (CUP LinuxHost's
// dict). The JSON key names are CUP's, so the body is what the newest
// CUP's serilize() produces. Unknown values are -1, as in CUP.
//
// Unlike CUP, NetIn is the receive rate and NetOut the transmit rate (CUP
// swapped them); consumers comparing with CUP agents must swap back.
type HostInfo struct {
	Iface    string  `json:"iface"`
	IPAddr   string  `json:"ipaddr"`
	Port     int     `json:"port"`
	Hostname string  `json:"hostname"`
	CPUIdle  float64 `json:"cpu_idle"`  // percent; -1 = unknown
	MemInUse int64   `json:"mem_inuse"` // bytes (total − free); -1 = unknown
	MemTotal int64   `json:"mem_total"` // bytes; -1 = unknown
	NetIn    float64 `json:"net_in"`    // bytes/s received; -1 = unknown
	NetOut   float64 `json:"net_out"`   // bytes/s transmitted; -1 = unknown
}

// NewHostInfo returns the record CUP's LinuxHost(name) starts with: IP
// 0.0.0.0, the local host name, every measurement -1. Unlike CUP the
// port argument is kept.
func NewHostInfo(iface string, port int) HostInfo {
	host, _ := os.Hostname()
	return HostInfo{Iface: iface, IPAddr: "0.0.0.0", Port: port, Hostname: host,
		CPUIdle: -1, MemInUse: -1, MemTotal: -1, NetIn: -1, NetOut: -1}
}

// IPPort returns "ipaddr:port" (CUP get_ip_port).
func (h HostInfo) IPPort() string { return fmt.Sprintf("%s:%d", h.IPAddr, h.Port) }

// sampleInterval is how long CollectLocal measures CPU and network
// rates (CUP: 1 s each, one after the other).
const sampleInterval = time.Second

// CollectLocal samples this host (CUP LinuxHost(init_this_host=True)):
// CPU idle percentage and the receive/transmit rates of iface over one
// second (measured concurrently, so the call takes about 1 s, not CUP's
// 3 s), memory in bytes, host name and the IPv4 address of iface. iface
// "" means the interface of the default route. A field that cannot be
// sampled keeps CUP's initial value; the info is returned together with
// the joined errors of what failed. Off Linux every measurement fails
// with errs.ErrNotSupported.
func CollectLocal(ctx context.Context, iface string, port int) (HostInfo, error) {
	var problems []error
	if iface == "" {
		if _, dev, err := cupnet.DefaultGateway(); err == nil {
			iface = dev
		} else {
			problems = append(problems, fmt.Errorf("heartbeat: no interface given and no default route: %w", err))
		}
	}
	h := NewHostInfo(iface, port)
	if iface != "" {
		if ip, err := cupnet.InterfaceIPv4(iface); err == nil {
			h.IPAddr = ip.String()
		} else if ip, err2 := cupnet.HostIP(ctx, h.Hostname); err2 == nil {
			h.IPAddr = ip.String()
		} else {
			problems = append(problems, err)
		}
	}
	if m, err := res.Memory(); err == nil {
		h.MemTotal = int64(m.Total)
		h.MemInUse = int64(m.Used)
	} else {
		problems = append(problems, err)
	}

	var (
		wg      sync.WaitGroup
		cpu     res.CPUInfo
		cpuErr  error
		rx, tx  float64
		netErr  error
		haveNet = iface != ""
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		cpu, cpuErr = res.CPUUsage(ctx, sampleInterval)
	}()
	if haveNet {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rx, tx, netErr = netRates(ctx, iface, sampleInterval)
		}()
	}
	wg.Wait()
	if cpuErr == nil {
		h.CPUIdle = cpu.Idle
	} else {
		problems = append(problems, cpuErr)
	}
	if haveNet {
		if netErr == nil {
			h.NetIn, h.NetOut = rx, tx
		} else {
			problems = append(problems, netErr)
		}
	}
	return h, errors.Join(problems...)
}

// netRates samples iface's byte counters twice, interval apart.
func netRates(ctx context.Context, iface string, interval time.Duration) (rx, tx float64, err error) {
	rx0, tx0, err := res.NetThrough(iface)
	if err != nil {
		return 0, 0, err
	}
	t0 := time.Now()
	t := time.NewTimer(interval)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return 0, 0, fmt.Errorf("heartbeat: sampling %s: %w", iface, ctx.Err())
	case <-t.C:
	}
	rx1, tx1, err := res.NetThrough(iface)
	if err != nil {
		return 0, 0, err
	}
	secs := time.Since(t0).Seconds()
	rate := func(a, b uint64) float64 {
		if b < a || secs <= 0 {
			return 0
		}
		return float64(b-a) / secs
	}
	return rate(rx0, rx1), rate(tx0, tx1), nil
}

// Marshal returns the JSON of h with CUP's key names (the newest CUP's
// serilize()).
func (h HostInfo) Marshal() ([]byte, error) { return json.Marshal(h) }

// UnmarshalHostInfo decodes a record made by [HostInfo.Marshal] or by
// the newest CUP's serilize() (JSON), or by CUP 3.2.7's serilize(), a
// Python 2 pickle (protocols 0 to 2), so that a master built on this
// package hears 3.2.7 agents too. Pickles are read by a decoder of plain
// data that refuses every opcode able to import or call anything: unlike
// CUP's deserilize, decoding never executes code. Unknown keys are
// ignored; missing keys keep CUP's initial values (-1, "0.0.0.0").
// Anything else is an error matching errs.ErrParse.
func UnmarshalHostInfo(b []byte) (HostInfo, error) {
	h := HostInfo{IPAddr: "0.0.0.0", CPUIdle: -1, MemInUse: -1, MemTotal: -1, NetIn: -1, NetOut: -1}
	if err := unmarshalRecord(b, &h); err != nil {
		return HostInfo{}, errs.New(errs.ErrParse, "heartbeat: host info: %v", err)
	}
	return h, nil
}

// unmarshalRecord decodes a heartbeat record into v: JSON, or a pickled
// dict (CUP 3.2.7) turned into JSON first.
func unmarshalRecord(b []byte, v any) error {
	if len(b) > 0 && (b[0] == '(' || b[0] == '}' || b[0] == 0x80) { // a pickle's first opcode
		p, err := decodePickle(b)
		if err != nil {
			return err
		}
		if _, ok := p.(map[string]any); !ok {
			return fmt.Errorf("%w: it holds a %T, not a dict", errPickle, p)
		}
		if b, err = json.Marshal(p); err != nil {
			return fmt.Errorf("%w: %v", errPickle, err)
		}
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%.64q: %w", b, err)
	}
	return nil
}

// Device is one agent known to a [Service] (CUP Device): its key, when
// it was last heard from and the resources it last reported.
type Device struct {
	Name        string    // the key it was refreshed under
	LastHealthy time.Time // the time of its last refresh, by the Service's clock
	Info        *HostInfo // nil for a bare device (never sent any info)
}

// Marshal returns the JSON of d.Info (the newest CUP's wire format), or
// "null" for a bare device.
func (d *Device) Marshal() ([]byte, error) { return json.Marshal(d.Info) }

// clone returns a deep copy, so callers can keep it without racing the
// Service.
func (d *Device) clone() *Device {
	c := *d
	if d.Info != nil {
		info := *d.Info
		c.Info = &info
	}
	return &c
}
