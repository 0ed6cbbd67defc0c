"""重复会员: the list of likely duplicate records and the merge dialog."""
