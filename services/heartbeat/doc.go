// Package heartbeat is a master/agent heartbeat: agents report their
// host's resources at a fixed interval, the master keeps a registry of
// them and reports the ones that fell silent. It ports
// cup.services.heartbeat and the flow of CUP's arrow-runtime example
// (examples/arrow).
//
// The parts:
//
//   - [HostInfo] is the resource record (CUP LinuxHost's dict, same JSON
//     keys); [CollectLocal] samples it with package res (CUP
//     LinuxHost(init_this_host=True)); [UnmarshalHostInfo] decodes one
//     (CUP deserilize: JSON as the newest CUP sends it, or 3.2.7's
//     pickle, read by a plain-data decoder that never executes code).
//   - [Service] is the registry (CUP HeartbeatService): [Service.Refresh]
//     (refresh), [Service.CollectLost] (get_lost), [Service.IsRegistered]
//     (is_device_registered), [Service.SetLostAfter]
//     (adjust_judge_lost_time), [Service.CleanupLost] (cleanup_oldlost),
//     and [Service.Watch], the polling loop CUP left to applications.
//     [Device] is CUP's Device.
//   - [Master] serves heartbeats over a [Transport], answers each with
//     ACK_HEART_BEAT, checks for lost agents every CheckEvery and reports
//     joins and losses as [Event]s. [Agent] sends heartbeats and samples
//     resources on separate schedules.
//   - [Transport] carries messages. [CUPTransport] runs over a netasync
//     message center in CUP's wire format (HEART_BEAT/ACK_HEART_BEAT,
//     stub/future (1, 1), as arrow-runtime sends them); [TCPTransport]
//     (length-prefixed frames over plain TCP, answers sent to the sender's
//     listening address like CUP's message center) and [MemTransport] (in
//     memory, for tests) need no epoll engine.
//
// Configuration follows memberlist's presets: [DefaultMasterConfig] and
// [DefaultAgentConfig] for a LAN (1 s heartbeats, lost after 5 s),
// [LocalMasterConfig] and [LocalAgentConfig] for loopback; a zero field
// means the Default value. Every timer reads an injected [Clock].
//
// Differences from CUP, all deliberate:
//
//   - Refresh of a new key stores the info passed with it (CUP ignored
//     it); a lost device that refreshes leaves the lost set.
//   - CollectLost works with any number of lost devices (CUP's get_lost
//     raised and deadlocked on Python 3).
//   - CleanupLost writes the dump CUP intended and forgets the devices
//     only after a successful write (CUP wrote an empty list and forgot
//     nothing).
//   - Lost detection uses the monotonic clock, so wall-clock jumps do not
//     cause false losses.
//   - HostInfo.NetIn is the receive rate and NetOut the transmit rate; CUP
//     swapped them. Memory is in bytes and rates in bytes/s, as CUP
//     measured (its docstrings say MB and kB).
//   - Heartbeat bodies are sent as JSON unless AgentConfig.LegacyPickle
//     asks for CUP 3.2.7's pickle (for a 3.2.7 master); pickled bodies from
//     3.2.7 agents are accepted, decoded without running anything.
package heartbeat
