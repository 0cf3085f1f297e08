using System.Runtime.InteropServices;
using Dashboard.Server.Collection.Net;

namespace Dashboard.Server.Collection.Events;

/// <summary>What the proc connector says happened to a process (pids as seen from the initial pid namespace).</summary>
internal abstract record ProcEvent;

/// <summary>A task was cloned: a new process when the child's pid equals its tgid, else a new thread.</summary>
internal sealed record ProcFork(int ParentPid, int ParentTgid, int ChildPid, int ChildTgid) : ProcEvent;

/// <summary>A task called execve: its comm, cmdline and possibly its credentials changed.</summary>
internal sealed record ProcExec(int Pid, int Tgid) : ProcEvent;

/// <summary>A task exited. <see cref="ExitCode"/> is the wait status (exit(7) is 7 &lt;&lt; 8; a signal is its number).</summary>
internal sealed record ProcExit(int Pid, int Tgid, uint ExitCode) : ProcEvent;

/// <summary>The kernel dropped events (the socket buffer overran): whoever keeps state from events must rescan.</summary>
internal sealed record ProcEventsLost : ProcEvent
{
    public static readonly ProcEventsLost Instance = new();
}

/// <summary>
/// The proc connector's wire format: netlink messages (linux/netlink.h) each carrying a struct cn_msg
/// (linux/connector.h) whose data is a struct proc_event (linux/cn_proc.h). Host byte order throughout.
/// </summary>
internal static class ProcConnectorMessages
{
    public const uint IdxProc = 1;
    public const uint ValProc = 1;
    public const uint McastListen = 1;
    public const uint McastIgnore = 2;

    // struct cn_msg: cb_id { u32 idx, val }, u32 seq, u32 ack, u16 len, u16 flags, then data.
    private const int CnMsgSize = 20;
    private const int CnMsgLenOffset = 16;
    // struct proc_event: u32 what, u32 cpu, u64 timestamp_ns (aligned 8), then the union at 16.
    private const int EventDataOffset = 16;
    private const int ForkSize = EventDataOffset + 16;
    private const int ExecSize = EventDataOffset + 8;
    // exit_proc_event: pid, tgid, exit_code, exit_signal, parent_pid, parent_tgid; only the first three are read.
    private const int ExitSize = EventDataOffset + 12;

    private const uint WhatFork = 0x1;
    private const uint WhatExec = 0x2;
    private const uint WhatExit = 0x80000000;

    /// <summary>
    /// The fork, exec and exit events in one datagram, in order. Every other event (uid, gid, sid, ptrace, comm,
    /// coredump, the ack of a listen request) and messages of other connectors are skipped; a message whose
    /// length does not fit ends the walk, keeping what came before. Never throws on input.
    /// </summary>
    public static IReadOnlyList<ProcEvent> Parse(ReadOnlySpan<byte> datagram)
    {
        var events = new List<ProcEvent>();
        // Not Netlink.Walk: the connector sends every event as NLMSG_DONE, which Walk takes as the end of a dump.
        while (datagram.Length >= Netlink.HeaderSize)
        {
            var length = MemoryMarshal.Read<uint>(datagram);
            var type = MemoryMarshal.Read<ushort>(datagram[4..]);
            if (length < Netlink.HeaderSize || length > (uint)datagram.Length)
            {
                break;
            }

            if (type is not (Netlink.MsgError or Netlink.MsgNoop or Netlink.MsgOverrun)
                && ParseConnectorMessage(datagram[Netlink.HeaderSize..(int)length]) is { } parsed)
            {
                events.Add(parsed);
            }

            var advance = Netlink.Align((int)length);
            datagram = advance >= datagram.Length ? [] : datagram[advance..];
        }

        return events;
    }

    /// <summary>The PROC_CN_MCAST_LISTEN or _IGNORE request: a cn_msg to the proc connector whose data is the op.</summary>
    public static byte[] McastRequest(uint op, uint sequence)
    {
        const int size = Netlink.HeaderSize + CnMsgSize + sizeof(uint);
        var message = new byte[size];
        MemoryMarshal.Write(message, (uint)size);
        MemoryMarshal.Write(message.AsSpan(4), Netlink.MsgDone);
        MemoryMarshal.Write(message.AsSpan(8), sequence);
        var cn = message.AsSpan(Netlink.HeaderSize);
        MemoryMarshal.Write(cn, IdxProc);
        MemoryMarshal.Write(cn[4..], ValProc);
        MemoryMarshal.Write(cn[8..], sequence);
        MemoryMarshal.Write(cn[CnMsgLenOffset..], (ushort)sizeof(uint));
        MemoryMarshal.Write(cn[CnMsgSize..], op);
        return message;
    }

    private static ProcEvent? ParseConnectorMessage(ReadOnlySpan<byte> cn)
    {
        if (cn.Length < CnMsgSize
            || MemoryMarshal.Read<uint>(cn) != IdxProc
            || MemoryMarshal.Read<uint>(cn[4..]) != ValProc)
        {
            return null;
        }

        var dataLength = MemoryMarshal.Read<ushort>(cn[CnMsgLenOffset..]);
        if (dataLength > cn.Length - CnMsgSize)
        {
            return null;
        }

        var e = cn.Slice(CnMsgSize, dataLength);
        if (e.Length < EventDataOffset)
        {
            return null;
        }

        var data = e[EventDataOffset..];
        return MemoryMarshal.Read<uint>(e) switch
        {
            WhatFork when e.Length >= ForkSize => new ProcFork(
                MemoryMarshal.Read<int>(data), MemoryMarshal.Read<int>(data[4..]),
                MemoryMarshal.Read<int>(data[8..]), MemoryMarshal.Read<int>(data[12..])),
            WhatExec when e.Length >= ExecSize => new ProcExec(MemoryMarshal.Read<int>(data), MemoryMarshal.Read<int>(data[4..])),
            WhatExit when e.Length >= ExitSize => new ProcExit(
                MemoryMarshal.Read<int>(data), MemoryMarshal.Read<int>(data[4..]), MemoryMarshal.Read<uint>(data[8..])),
            _ => null,
        };
    }
}
