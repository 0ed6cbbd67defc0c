"""打印中心: cards and forms preview, print at 100 %, save as PDF, verify a card."""
