"""Use-case services. Each takes plain values, enforces the programme's rules, writes in one
transaction with an audit entry, and returns dataclasses from `app.model`."""
