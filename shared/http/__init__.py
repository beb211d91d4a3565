"""HTTP plumbing shared by every service: the app factory, problem details, the actor."""
