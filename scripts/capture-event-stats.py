#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Captures real `runsc events --stats` exchanges (containerManager.Event) for the test fixtures.

Usage (as root, after `make runsc`):
    scripts/capture-event-stats.py RUNSC OUT

Starts throw-away sandboxes in a fresh root under /tmp, runs
    strace -f -e trace=connect,write,read,sendmsg,recvmsg -s 65536 RUNSC --root=R events --stats ID
for each container, and writes OUT: the strace lines of the control-socket exchange, the request
and reply bytes as Python bytes reprs (">>> SENT" / "<<< RECEIVED", as in
real-urpc-captures.txt) and what `runsc events --stats` printed ("=== STDOUT"). Cases:
  single    one container running `sleep 3600`, --network=none
  multi     a pod sandbox (`sleep 3600`) plus a second container in it (CRI annotations
            container-type=container and sandbox-id) that burns some CPU, then sleeps
  net       --network=sandbox, one container sending UDP and TCP on lo in a loop; captured twice,
            a second apart, so the counters on lo are seen to grow
Everything is removed afterwards (kill KILL, delete --force, the root directory, the network
namespace made for `net` with `ip netns add`).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

RUNSC, OUT = sys.argv[1], sys.argv[2]

NET_TRAFFIC = r"""
import socket, time
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 7777)); srv.listen(1)
cli = socket.create_connection(("127.0.0.1", 7777)); conn, _ = srv.accept()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
while True:
    cli.sendall(b"x" * 1000); conn.recv(65536)
    u.sendto(b"ping", ("127.0.0.1", 9))
    time.sleep(0.05)
"""

CPU_BURST = "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; exec sleep 3600"


def config(args, annotations, cgroup, netns=None):
    network = {"type": "network", "path": netns} if netns else {"type": "network"}
    namespaces = [{"type": "pid"}, network, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]
    return {
        "ociVersion": "1.0.0",
        "process": {
            "terminal": False,
            "user": {"uid": 0, "gid": 0},
            "args": args,
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "cwd": "/",
            "capabilities": {k: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
                             for k in ("bounding", "effective", "inheritable", "permitted")},
            "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
        },
        "root": {"path": "/", "readonly": True},
        "hostname": "runsc",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
        ],
        "annotations": annotations,
        "linux": {"cgroupsPath": cgroup, "namespaces": namespaces},
    }


def runsc(root, *args, network="none", check=True, out=None):
    cmd = [RUNSC, "--root=" + root, "--network=" + network] + list(args)
    if network == "sandbox":
        # runsc 20240729 takes a network namespace that has /proc/sys/net/core/rmem_default for the
        # host's and refuses it (isRootNS); Linux 6.x has that file in every namespace. A tmpfs over
        # /proc/sys/net/core, in a mount namespace of this command only, hides it.
        cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c",
               'mount -t tmpfs none /proc/sys/net && exec "$@"', "sh"] + cmd
    with open((out or "/dev/null") + ".out", "w") as o, open((out or "/dev/null") + ".err", "w") as e:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=o, stderr=e, timeout=60)
    if check and p.returncode != 0:
        err = open(out + ".err").read() if out else ""
        raise SystemExit("runsc %s failed (%d): %s" % (" ".join(args), p.returncode, err))


def container(base, root, cid, args, annotations, network="none", netns=None):
    bundle = os.path.join(base, "bundles", cid)
    os.makedirs(bundle)
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(config(args, annotations, "/" + os.path.basename(base) + "-" + cid, netns), f, indent=1)
    runsc(root, "create", "--bundle", bundle, cid, network=network, out=os.path.join(bundle, "create"))
    runsc(root, "start", cid, network=network, out=os.path.join(bundle, "start"))


C_ESCAPES = re.compile(r'\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)')


def c_string(s):
    """strace's C-escaped string as bytes."""
    def repl(m):
        e = m.group(1)
        if e[0] == "x":
            return chr(int(e[1:], 16))
        if e[0] in "01234567":
            return chr(int(e, 8))
        return {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "f": "\f", "\\": "\\", '"': '"'}.get(e, e)
    return C_ESCAPES.sub(repl, s).encode("latin-1")


IOV = re.compile(r'iov_base="((?:[^"\\]|\\.)*)"')


def capture(root, cid, section):
    """strace `runsc events --stats cid`; returns the text block for OUT."""
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as log:
        p = subprocess.run(["strace", "-f", "-o", log.name, "-e", "trace=connect,write,read,sendmsg,recvmsg",
                            "-s", "65536", RUNSC, "--root=" + root, "events", "--stats", cid],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        lines = log.read().splitlines()
    if p.returncode != 0:
        raise SystemExit("events --stats %s failed: %s" % (cid, p.stderr))
    # The control-socket exchanges: from the first connect to the socket to the end of the Event
    # reply. Go moves goroutines between threads, so a recvmsg may start on one pid ("unfinished")
    # and end on another ("resumed"); the reply is complete when the joined pieces parse.
    first = next(i for i, l in enumerate(lines) if "connect(" in l and "runsc-" in l)
    event = next(i for i, l in enumerate(lines) if "sendmsg(" in l and "containerManager.Event" in l)
    exchange = [l for l in lines[first:event + 1] if re.search(r"connect\(|sendmsg\(|recvmsg", l)]
    sent = b"".join(c_string(m) for m in IOV.findall(lines[event]))
    received = b""
    for l in lines[event + 1:]:
        if "recvmsg" not in l or "EAGAIN" in l:
            continue
        exchange.append(l)
        if l.rstrip().endswith("<unfinished ...>"):
            continue
        n = int(l.rsplit("=", 1)[1].split()[0])
        received += b"".join(c_string(m) for m in IOV.findall(l))[:n]
        try:
            json.loads(received)
            break
        except ValueError:
            pass
    try:
        json.loads(received)  # complete and valid, or fail here
    except ValueError:
        raise SystemExit("events --stats %s: incomplete reply %r in\n%s" % (cid, received, "\n".join(lines)))
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return "\n".join(["=" * 78, "### %s: runsc events --stats %s  (%s)" % (section, cid, when)]
                     + ["strace: " + l for l in exchange]
                     + [">>> SENT %d bytes: %r" % (len(sent), sent),
                        "<<< RECEIVED %d bytes: %r" % (len(received), received),
                        "=== STDOUT " + p.stdout.strip()]) + "\n"


def main():
    base = tempfile.mkdtemp(prefix="ev", dir="/tmp")
    root = os.path.join(base, "root")
    os.makedirs(root)
    made = []
    made_netns = []
    blocks = []
    try:
        made.append("ev1")
        container(base, root, "ev1", ["sleep", "3600"], {})
        time.sleep(1)
        blocks.append(capture(root, "ev1", "single"))

        pod = {"io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri.sandbox-name": "web-0",
               "io.kubernetes.cri.sandbox-namespace": "prod"}
        made.append("evpod")
        container(base, root, "evpod", ["sleep", "3600"], pod)
        made.append("evapp")
        container(base, root, "evapp", ["sh", "-c", CPU_BURST],
                  {"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "evpod",
                   "io.kubernetes.cri.sandbox-name": "web-0", "io.kubernetes.cri.sandbox-namespace": "prod",
                   "io.kubernetes.cri.container-name": "app"})
        time.sleep(3)
        blocks.append(capture(root, "evpod", "multi-root"))
        blocks.append(capture(root, "evapp", "multi-app"))

        # runsc --network=sandbox refuses the host's network namespace and makes none itself (CRI
        # hands it one): a named one with only lo, up.
        netns = os.path.basename(base)
        subprocess.run(["ip", "netns", "add", netns], check=True)
        made_netns.append(netns)
        subprocess.run(["ip", "-n", netns, "link", "set", "lo", "up"], check=True)
        made.append("evnet")
        container(base, root, "evnet", ["python3", "-c", NET_TRAFFIC], {}, network="sandbox",
                  netns="/var/run/netns/" + netns)
        time.sleep(2)
        blocks.append(capture(root, "evnet", "net-1"))
        time.sleep(1)
        blocks.append(capture(root, "evnet", "net-2"))
    finally:
        for cid in reversed(made):
            runsc(root, "kill", cid, "KILL", check=False)
            runsc(root, "delete", "--force", cid, check=False)
        for netns in made_netns:
            subprocess.run(["ip", "netns", "delete", netns])
        shutil.rmtree(base, ignore_errors=True)
    version = subprocess.run([RUNSC, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    with open(OUT, "w") as f:
        f.write(HEADER.format(version=version, when=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))
        f.write("\n".join(blocks))


HEADER = """containerManager.Event captures -- real {version} (Debian bookworm-backports build
0.0~20240729.0-4~bpo12+2), made by scripts/capture-event-stats.py at {when} as root, in a throw-away
--root under /tmp (removed afterwards). Sandboxes run host binaries on the host's root (read-only).
Each block is one `strace -f -e trace=connect,write,read,sendmsg,recvmsg -s 65536 runsc --root=R
events --stats ID`: the strace lines of the control-socket exchanges (one connection per call:
containerManager.ContainerRuntimeState from the CLI's Load, then containerManager.Event), then the
Event request and reply as Python bytes
reprs (exactly what went over the AF_UNIX SOCK_STREAM socket; the reply is the recvmsg pieces
joined), then the JSON `runsc events --stats` printed on stdout (which is the reply's `event`, with
cpu.usage.total filled in by the CLI from `containerUsage` and the host cgroup; see
runsc/container/container.go populateStats).
Cases: single = one container `sleep 3600`, --network=none; multi-root / multi-app = a pod sandbox
`evpod` (`sleep 3600`) and a second container `evapp` in it (CRI annotations
io.kubernetes.cri.container-type=container, io.kubernetes.cri.sandbox-id=evpod) that counts to 300000
in sh, then sleeps; net-1 / net-2 = --network=sandbox, python3 sending TCP and UDP on lo every 50 ms,
captured a second apart.
runsc 20240729 refuses --network=sandbox on Linux 6.x (its isRootNS test finds
/proc/sys/net/core/rmem_default, which newer kernels have in every network namespace), so for `net`
`runsc start` ran in a private mount namespace with a tmpfs over /proc/sys/net, in a network namespace
made with `ip netns add` (only lo, up).

"""

if __name__ == "__main__":
    main()
