"""The demo desk (`hierniet demo`): organisations, channels, posts and comments written for the demo."""
