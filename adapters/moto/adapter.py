#!/usr/bin/env python3
"""iamconf evaluator-protocol v1 adapter for moto's IAM policy evaluation (moto.iam).

Each case's documents are first checked by moto's IAMPolicyDocumentValidator (what moto's
CreatePolicy runs; a MalformedPolicyDocument is answered as an error), then evaluated with
moto.iam.access_control.IAMPolicy.is_action_permitted, combined over the policies as moto's
own access control combines them (any DENIED: explicitDeny; else any PERMITTED: allowed; else
implicitDeny). The request context is passed as `incoming_condition_values`.
"""
import json
import sys

from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.iam.policy_validation import IAMPolicyDocumentValidator


def decide(case):
    texts = [p if isinstance(p, str) else json.dumps(p) for p in case.get("policies", [])]
    for index, text in enumerate(texts):
        try:
            IAMPolicyDocumentValidator(text).validate()
        except Exception as e:  # moto raises MalformedPolicyDocument (or a plain error)
            return {"error": f"policy {index}: {type(e).__name__}: {e}"}
    request = case["request"]
    context = request.get("context") or {}
    permitted = False
    for text in texts:
        result = IAMPolicy(text).is_action_permitted(
            request["action"], request["resource"], None, context
        )
        if result == PermissionResult.DENIED:
            return {"decision": "explicitDeny"}
        if result == PermissionResult.PERMITTED:
            permitted = True
    return {"decision": "allowed" if permitted else "implicitDeny"}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except ValueError as e:
            print(json.dumps({"id": None, "error": f"not a case line: {e}"}), flush=True)
            continue
        try:
            answer = decide(case)
        except Exception as e:  # an evaluation that raises is an error answer, never allowed
            answer = {"error": f"{type(e).__name__}: {e}"}
        answer = {"id": case.get("id"), **answer}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
