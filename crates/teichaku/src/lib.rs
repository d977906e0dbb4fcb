//! teichaku facade (filled below).
#![forbid(unsafe_code)]
