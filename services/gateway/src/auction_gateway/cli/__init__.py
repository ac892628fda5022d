"""`auctionctl`: the command line for the gateway's HTTP API."""
