"""Sign-in, sign-out and account pages (views are thin: the rules live in the modules above)."""
