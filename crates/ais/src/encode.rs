//! Encoding messages to armoured NMEA sentences (types 1/2/3, 5, 18, 19, 24).
