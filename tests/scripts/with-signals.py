#!/usr/bin/env python3
"""Runs a command with signals ignored and blocked, as nohup, start-stop-daemon or a supervisor
may pass them on through exec (both the dispositions set to ignore and the mask survive it).

    with-signals.py --ignore HUP,INT --block HUP,TERM -- COMMAND [ARG]...
"""
import argparse
import os
import signal
import sys


def signals(names):
    return [signal.Signals["SIG" + name] for name in names.split(",") if name]


parser = argparse.ArgumentParser()
parser.add_argument("--ignore", default="")
parser.add_argument("--block", default="")
parser.add_argument("command", nargs=argparse.REMAINDER)
args = parser.parse_args()
command = args.command[1:] if args.command[:1] == ["--"] else args.command
if not command:
    sys.exit("with-signals: no command")

for sig in signals(args.ignore):
    signal.signal(sig, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, signals(args.block))
os.execv(command[0], command)
