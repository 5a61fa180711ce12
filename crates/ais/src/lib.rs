//! AIS decoding: NMEA 0183 framing (bytes → sentences) and AIS message decoding (sentences → messages).
