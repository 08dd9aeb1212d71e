"""Supabase components: the connection, the source picker's Supabase part, the row-versus-JSON panel."""
