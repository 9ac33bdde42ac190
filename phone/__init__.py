"""The authenticator app a person carries: it scans the QR code a product shows and gives
the codes, on the system's clock. Used alike by the steps, the exploration and the survey."""
