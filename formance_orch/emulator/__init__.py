"""A local Formance Orchestration v2 emulator."""
