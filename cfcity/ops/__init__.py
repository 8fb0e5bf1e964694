"""Running cfcity as a service: configuration checks, probes, metrics, request ids and the
background-job plumbing shared by every app (docs/deployment.md)."""
