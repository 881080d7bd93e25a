"""Model loading and constrained generation: new, continue, fill and harmonize."""
