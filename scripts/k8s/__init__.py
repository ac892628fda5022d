"""Render and validate the Kubernetes manifests under deploy/k8s without a cluster.

`python -m scripts.k8s validate` installs kustomize and kubeconform into .state/bin when missing
(with `go install`), unpacks the Kubernetes JSON schemas of the PyPI package kubernetes-validate
into .state/k8s-schemas, renders every overlay and validates each resource offline.
"""
