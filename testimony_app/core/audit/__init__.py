"""What leaves for an auditor: the disclosure policy, the redacted export and its
verification, the report, and the Uwazi export."""
