"""The local Hub's routes, one module per group; each a plain function of the request (and the repo it
names), dispatched by `services.local_hub.dispatch`."""
