"""The local engine's media: procedural clips and music, and the draft renderer (ffmpeg).

Import the submodules (`scenes`, `music`, `render`, `ffmpeg`) directly; this package import stays light.
"""
