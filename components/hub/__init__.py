"""Hub components: the client and who it acts as (`client`), the guard before Publish (`publish_gate`),
where the funnel's records go (`funnel_state`), and the traction charts (`charts`)."""
