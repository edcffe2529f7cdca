//! Property tests over HTTP: generated requests get the answer their validity calls for.
