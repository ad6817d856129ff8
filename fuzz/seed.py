#!/usr/bin/env python3
"""Seed each fuzz target's corpus from the golden corpus (conformance/cases).

Writes fuzz/seeds/<target>/<name>: the policy texts (parse_bytes and validate_render get a
first byte choosing the size quota), one case line per golden request (case_line, evaluate),
and for glob a syntax byte, an ARN or action pattern, then the request values it meets.
Run from anywhere: python3 fuzz/seed.py; then `cargo +nightly fuzz cmin` keeps what adds
coverage (see FUZZING.md).
"""
import hashlib
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASES = ROOT / "conformance" / "cases"
OUT = ROOT / "fuzz" / "seeds"
KINDS = {None: 0, "managed": 1, "user": 2, "group": 3, "role": 4}


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = OUT / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def policy_text(policy):
    return policy if isinstance(policy, str) else json.dumps(policy)


def main():
    for path in sorted(CASES.rglob("*.json")):
        case = json.loads(path.read_text())
        if "policy" in case:
            texts = [(case["policy"], KINDS[case.get("kind")])]
        else:
            texts = [(policy_text(p), 0) for p in case.get("policies", [])]
        for text, kind in texts:
            write("parse_bytes", bytes([kind]) + text.encode())
            write("validate_render", bytes([kind]) + text.encode())
            write("round_trip", text)
        for request in case.get("requests", []):
            line = json.dumps({
                "id": request["name"],
                "policies": case["policies"],
                "request": {k: request[k] for k in ("action", "resource", "context") if k in request},
            })
            write("case_line", line)
            write("evaluate", line)
            for text, _ in texts:
                try:
                    doc = json.loads(text)
                except ValueError:
                    continue
                statements = doc.get("Statement", []) if isinstance(doc, dict) else []
                for s in statements if isinstance(statements, list) else [statements]:
                    if not isinstance(s, dict):
                        continue
                    for key, syntax, value in (("Resource", 1, request["resource"]),
                                               ("Action", 0, request["action"].lower())):
                        patterns = s.get(key, [])
                        for p in patterns if isinstance(patterns, list) else [patterns]:
                            if isinstance(p, str):
                                write("glob", bytes([syntax]) + f"{p}\n{value}".encode())


if __name__ == "__main__":
    main()
