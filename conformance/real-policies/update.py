#!/usr/bin/env python3
"""Regenerates the real-policy corpus beside this file from a pinned moto release (PyPI).

    python3 conformance/real-policies/update.py

Downloads moto's wheel and source distribution at MOTO_VERSION (no other package), and writes:
- aws-managed.jsonl: every AWS-managed policy document in moto/iam/aws_managed_policies.py
  (moto imports them from IAM's GetPolicyVersion; one line per policy, sorted by name);
- iam-create-policy.jsonl: every document of moto's tests/test_iam/test_iam_policies.py, the
  list whose author verified each case against IAM's CreatePolicy in 2019 (getmoto/moto#2269),
  with IAM's error message for the invalid ones.
Nothing in the project runs this script at build or test time; the tests read the .jsonl files.
"""
import ast
import importlib.util
import json
import pathlib
import subprocess
import sys
import tarfile
import tempfile
import zipfile

MOTO_VERSION = "5.2.5"
HERE = pathlib.Path(__file__).resolve().parent
# Indices (0-based, in MOTO_VERSION's file) of cases added after the 2019 AWS-verified list:
# docs/iam-facts.md "MOTO-AWS" names them "moto-later".
MOTO_LATER_VALID = {39, 40, 41, 52, 53}


def download(kind: str, tmp: pathlib.Path) -> pathlib.Path:
    args = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(tmp)]
    if kind == "sdist":
        args += ["--no-binary", ":all:"]
    else:
        args += ["--only-binary", ":all:"]
    subprocess.run(args + [f"moto=={MOTO_VERSION}"], check=True)
    suffix = ".tar.gz" if kind == "sdist" else ".whl"
    return next(p for p in tmp.iterdir() if p.name.endswith(suffix))


def managed(wheel: pathlib.Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        source = z.read("moto/iam/aws_managed_policies.py").decode()
    spec = importlib.util.spec_from_loader("aws_managed_policies", loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(source, module.__dict__)
    data = json.loads(module.aws_managed_policies_data)
    with open(HERE / "aws-managed.jsonl", "w") as out:
        for name in sorted(data):
            entry = data[name]
            line = {"name": name, "path": entry.get("Path"),
                    "version": entry.get("DefaultVersionId"),
                    "updated": entry.get("UpdateDate"), "document": entry["Document"]}
            out.write(json.dumps(line, separators=(",", ":")) + "\n")


def create_policy_cases(sdist: pathlib.Path) -> None:
    member = f"moto-{MOTO_VERSION}/tests/test_iam/test_iam_policies.py"
    with tarfile.open(sdist) as t:
        source = t.extractfile(member).read().decode()
    lists = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            lists[node.targets[0].id] = ast.literal_eval(node.value)
    with open(HERE / "iam-create-policy.jsonl", "w") as out:
        for index, case in enumerate(lists["invalid_policy_document_test_cases"]):
            doc = case["document"]
            line = {"id": f"invalid/{index}", "aws_verified": True,
                    "text": doc if isinstance(doc, str) else json.dumps(doc),
                    "iam_accepts": False, "iam_message": case["error_message"]}
            out.write(json.dumps(line) + "\n")
        for index, doc in enumerate(lists["valid_policy_documents"]):
            line = {"id": f"valid/{index}", "aws_verified": index not in MOTO_LATER_VALID,
                    "text": doc if isinstance(doc, str) else json.dumps(doc),
                    "iam_accepts": True}
            out.write(json.dumps(line) + "\n")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        managed(download("wheel", tmp))
        create_policy_cases(download("sdist", tmp))


if __name__ == "__main__":
    main()
