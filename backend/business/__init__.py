"""Business services: the registry, who acts for a business, permit applications, permits."""
