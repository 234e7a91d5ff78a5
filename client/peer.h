/* peer.h — kcal checks who serves the socket before it sends anything. */
#ifndef KCAL_PEER_H
#define KCAL_PEER_H

int	peer_check(int, const char *, char **);

#endif
