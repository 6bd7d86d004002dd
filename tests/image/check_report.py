#!/usr/bin/env python3
"""Assertions on the report the booted kit printed on its serial console (shodo-test-report).

check_report.py LOG --firmware bios|uefi|secureboot --media usb|cd --system-sha256 HEX
                    --internal-serial SERIAL [--internal-sha256 HEX] [--dest] [--display]
Prints one line per check ("ok  …" / "FAIL …") and exits 1 if any check failed.
The report format is defined by image/overlay/usr/local/sbin/shodo-test-report.
"""
import argparse
import json
import re
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--firmware", required=True, choices=["bios", "uefi", "secureboot"])
    ap.add_argument("--media", required=True, choices=["usb", "cd"])
    ap.add_argument("--system-sha256", required=True)
    ap.add_argument("--internal-serial", required=True)
    ap.add_argument("--display", action="store_true")
    ap.add_argument("--internal-sha256", default="", help="SHA-256 of the internal disk: the in-kit acquisition must match")
    ap.add_argument("--dest", action="store_true", help="a destination disk (serial SHODO-DEST) was attached")
    a = ap.parse_args()

    raw = open(a.log, "rb").read().decode("utf-8", "replace").replace("\r", "")
    failures = 0

    def check(ok: bool, what: str, detail: str = "") -> None:
        nonlocal failures
        if ok:
            print(f"  ok   {what}")
        else:
            failures += 1
            print(f"  FAIL {what}" + (f": {detail}" if detail else ""))

    m = re.search(r"^SHODO-TEST-BEGIN.*?^SHODO-TEST-END$", raw, re.S | re.M)
    if not m:
        print("  FAIL no complete report (SHODO-TEST-BEGIN … SHODO-TEST-END) on the serial console")
        return 1
    rep = m.group(0)
    lines = rep.split("\n")

    def line(prefix: str) -> str:
        for l in lines:
            if l.startswith(prefix):
                return l[len(prefix):].strip()
        return "<missing>"

    def all_lines(prefix: str):
        return [l[len(prefix):].strip() for l in lines if l.startswith(prefix)]

    mode = "display" if a.display else "report"
    check(f"mode={mode}" in lines[0], f"booted the self-test entry ({mode}) through the boot menu", lines[0])
    check(f"shodo.test={mode}" in line("ST-CMDLINE:"), "kernel command line has the test flag", line("ST-CMDLINE:"))
    check(line("ST-SYSTEM-STATE:") == "running", "systemd reached 'running'", line("ST-SYSTEM-STATE:"))
    check(line("ST-FAILED-UNITS:") == "[]", "no failed units", line("ST-FAILED-UNITS:"))

    fw = line("ST-FIRMWARE:")
    sbk = line("ST-SECUREBOOT-KERNEL:")
    if a.firmware == "bios":
        check(fw == "bios", "booted by legacy BIOS", fw)
    elif a.firmware == "uefi":
        check(fw.startswith("uefi") and "efivar-SecureBoot=1" not in fw, "booted by UEFI (Secure Boot off)", fw)
    else:
        check(fw.startswith("uefi efivar-SecureBoot=1"), "UEFI variable SecureBoot = 1", fw)
        check("SecureBoot enabled" in fw, "mokutil --sb-state: SecureBoot enabled", fw)
        check("Secure boot enabled" in sbk, "kernel reports 'Secure boot enabled'", sbk)
        check("[integrity]" in sbk, "kernel lockdown is on (integrity)", sbk)

    sess = line("ST-SESSION:")
    check('"Shodo ' in sess and "shodo-pid=none" not in sess and "user=shodo" in sess,
          "the kiosk session runs: Shodo window mapped, app running as user shodo", sess)
    g = re.search(r'(\d+)x(\d+)\+0\+0', sess)
    r = re.search(r'root=(\d+x\d+)', sess)
    check(bool(g and r and f"{g.group(1)}x{g.group(2)}" == r.group(1)), "the Shodo window fills the screen", sess)
    ime = line("ST-IME:")
    check("fcitx5=running" in ime and "XMODIFIERS=@im=fcitx" in ime and "LANG=ja_JP.UTF-8" in ime,
          "Japanese session: fcitx5 running, XMODIFIERS=@im=fcitx, LANG=ja_JP.UTF-8", ime)
    check(re.match(r"\d+\.\d+\.\d+ \([0-9a-f]+\)", line("ST-SHODO-VERSION:")) is not None,
          "`shodo --version` runs", line("ST-SHODO-VERSION:"))
    check(line("ST-SHODO-STATUS:").startswith("rc=0 "), "`shodo` (no display) prints its status", line("ST-SHODO-STATUS:"))

    kc = re.search(r"^ST-KITCHECK-JSON-BEGIN\n(.*?)\nST-KITCHECK-JSON-END$", rep, re.S | re.M)
    try:
        kit = json.loads(kc.group(1)) if kc else {}
    except json.JSONDecodeError as e:
        kit = {}
        check(False, "`shodo kit check --json` prints JSON", str(e))
    check(line("ST-KITCHECK-RC:") == "0" and kit.get("ok") is True, "`shodo kit check` passes (exit 0, ok)",
          f"rc={line('ST-KITCHECK-RC:')} {json.dumps(kit)[:600]}")
    check(kit.get("network", {}).get("state") == "isolated", "`shodo kit check` reports the network isolated",
          json.dumps(kit.get("network")))
    check(kit.get("system_sha256") == a.system_sha256, "the kit shows the system hash the build printed",
          f"{kit.get('system_sha256')} != {a.system_sha256}")
    check(kit.get("medium", {}).get("state") == "ok",
          "boot-time self-check hashed every medium file and found them equal", json.dumps(kit.get("medium"))[:400])
    check(not kit.get("packages", {}).get("differences") and kit.get("packages", {}).get("expected", 0) > 100,
          "installed packages equal the manifest", json.dumps(kit.get("packages"))[:400])
    check(kit.get("binary", {}).get("ok") is True, "the shodo binary equals the manifest's hash")
    check(line("ST-SELFCHECK-SERVICE:").startswith("success 0"), "shodo-selfcheck.service succeeded",
          line("ST-SELFCHECK-SERVICE:"))

    check(line("ST-UP-IFACES:") == "[]", "no network interface is up", line("ST-LINKS:"))
    check(line("ST-ADDR:") == "[]", "no address on any interface but lo", line("ST-ADDR:"))
    check(line("ST-ROUTES:").rstrip(";") == "[]", "no IPv4 or IPv6 routes", line("ST-ROUTES:"))
    check(line("ST-NFT:").startswith("3 chains with policy drop"), "nftables drop-all table loaded", line("ST-NFT:"))
    check(line("ST-LISTEN:") == "[]", "no listening sockets (TCP/UDP)", line("ST-LISTEN:"))
    check(line("ST-NETMODS:") == "[]", "no NIC/radio driver auto-loaded", line("ST-NETMODS:"))
    check(line("ST-NET-PROGRAMS:") == "[]", "no network manager or DHCP client running", line("ST-NET-PROGRAMS:"))
    rf = line("ST-RFKILL:")
    check(all(l.split()[-1] == "blocked" for l in rf.strip("[]").split(";") if l.strip()), "every radio soft-blocked", rf)

    blk = [l for l in all_lines("ST-BLK:") if f"serial={a.internal_serial}" in l]
    check(len(blk) == 1, f"the internal disk (serial {a.internal_serial}) is seen", " | ".join(all_lines("ST-BLK:")))
    if blk:
        name = blk[0].split()[0]
        check(" ro=1 " in f" {blk[0]} " and "ro=0" not in blk[0], f"internal disk {name} and its partitions are read-only",
              blk[0])
        wa = [l for l in all_lines("ST-WRITE-ATTEMPT:") if l.startswith(name + " ")]
        check(bool(wa) and "[Operation not permitted]" in wa[0], f"a raw write to {name} is refused by the kernel",
              " | ".join(all_lines("ST-WRITE-ATTEMPT:")))
        check(name not in line("ST-BLOCK-MOUNTS:"), f"nothing of {name} is mounted", line("ST-BLOCK-MOUNTS:"))
    check(not any("WRITE-SUCCEEDED" in l for l in all_lines("ST-WRITE-ATTEMPT:")), "no read-only disk accepted a write")
    check(line("ST-OTHER-BLOCK-MOUNTS:") == "[]", "no block device mounted but the medium and the evidence partition",
          line("ST-OTHER-BLOCK-MOUNTS:"))
    check(line("ST-SWAP:") == "[]", "no swap in use", line("ST-SWAP:"))
    check(line("ST-RAM-ROOT:").startswith("overlay overlay"), "root file system is the RAM overlay", line("ST-RAM-ROOT:"))

    ev = line("ST-EVIDENCE:")
    if a.media == "usb":
        check(ev.startswith("mounted") and "write=[probe]" in ev and "fs=ext4" in ev and "rw," in ev,
              "evidence partition SHODO-CASES mounted read-write and writable by shodo", ev)
        check(line("ST-INCIDENT:").startswith("new-rc=0 verify-rc=0"),
              "an incident was created on the evidence partition and its chronology verifies", line("ST-INCIDENT:"))
        if a.internal_sha256:
            acq = line("ST-ACQUIRE:")
            check(acq.startswith("rc=0 ") and f"sha256={a.internal_sha256}" in acq,
                  "the kiosk user imaged the internal disk onto SHODO-CASES: exit 0, SHA-256 equal to the host's", acq)
            check("ro-after=1" in acq and "wp=[kernel read-only flag already set" in acq,
                  "the internal disk stayed read-only; the report says the flag was already set (kit udev rule)", acq)
        if a.dest:
            dst = line("ST-DEST:")
            f = dict(kv.split("=", 1) for kv in dst.split() if "=" in kv)
            check(f.get("ro-before") == "1", "the destination disk is read-only until the operator chooses it", dst)
            check(f.get("refuse-medium-rc") == "2", "shodo-set-writable refuses the kit's own medium (exit 2)", dst)
            check(f.get("mount-rc") == "0" and f.get("ro-mounted") == "0"
                  and f.get("folder", "").startswith("/media/shodo-dest/") and f.get("folder", "").endswith("/shodo-images"),
                  "sudo shodo-set-writable --mount: the chosen disk becomes writable and is mounted for the kiosk user", dst)
            check(f.get("acquire-rc") == "0", "the kiosk user imaged the internal disk onto the chosen destination", dst)
            check(f.get("unmount-rc") == "0" and f.get("ro-after") == "1" and f.get("still-mounted") == "0",
                  "--unmount: unmounted and read-only again", dst)
    else:
        check(ev == "not-mounted", "booted from optical media: no evidence partition is mounted", ev)

    cups = line("ST-CUPS:")
    d = re.search(r"drivers=(\d+)", cups)
    check("scheduler is running" in cups and d is not None and int(d.group(1)) > 100,
          "CUPS scheduler runs with printer drivers (offline, socket only)", cups)
    check("MISSING" not in line("ST-TOOLS:"), "ewf-tools, sleuthkit, hdparm, smartmontools, ntfs-3g, exfatprogs present",
          line("ST-TOOLS:"))
    loc = line("ST-LOCALE:")
    jf = re.search(r"jp-fonts=(\d+)", loc)
    check(loc.startswith("1 default=ja_JP.UTF-8") and jf is not None and int(jf.group(1)) > 0 and "tz=Asia/Tokyo" in loc,
          "Japanese locale, fonts and time zone", loc)

    if a.display:
        ime = line("ST-IME-TYPED:")
        check(ime.startswith("gui-rc=0 ") and 'to=[["本部2"]]' in ime and 'content=["日本で"]' in ime,
              "Japanese typed through fcitx5 + Mozc into Shodo's fields in the kit session: 本部2, 日本で", ime)
        term = re.search(r"^ST-TERMINAL: (.*)$", raw, re.M)
        t = term.group(1) if term else "<missing>"
        check(t.startswith("window=yes") and "Shodo terminal" in t and "focus-in-terminal=yes" in t,
              "Ctrl+Alt+T opens the terminal and it has the keyboard focus", t)

    print(f"  {'PASS' if failures == 0 else 'FAIL'}: {failures} failed check(s)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
