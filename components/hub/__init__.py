"""Hub components: the client and who it acts as (`client`), and the guard before Publish (`publish_gate`)."""
