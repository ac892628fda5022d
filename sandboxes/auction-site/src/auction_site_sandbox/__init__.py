"""Local stand-in for the AuctionWorx admin pages the bot drives."""
