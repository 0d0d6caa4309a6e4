"""How an email is built: an edition's papers rendered once per language into pieces (rendering, layouts), the
pieces composed into one reader's email within its size budget (budget), folded and encoded for the wire
(encoding), and wrapped into a message with its headers (messages)."""
