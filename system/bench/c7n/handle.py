"""Cloud Custodian's Lambda entry path, run as a fresh process for ./dev bench.

usage: python handle.py POLICY_DIR EVENT_FILE   (POLICY_DIR holds config.json)

c7n.handler.dispatch_event reads config.json from the working directory, exactly as it does in
the Lambda package Custodian deploys (c7n.mu); the context stands in for Lambda's.
"""
import json
import os
import sys


class Context:
    function_name = "custodian-eks-node-imdsv2"
    invoked_function_arn = (
        "arn:aws:lambda:" + os.environ.get("AWS_REGION", "us-east-1")
        + ":123456789012:function:custodian-eks-node-imdsv2")
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self):
        return 300_000


def main():
    policy_dir, event_file = sys.argv[1], sys.argv[2]
    with open(event_file) as f:
        event = json.load(f)
    os.chdir(policy_dir)
    from c7n.handler import dispatch_event  # imported as Lambda would: at cold start
    dispatch_event(event, Context())


if __name__ == "__main__":
    main()
