#!/bin/bash
# usage: ./sweep.sh <first> <count> beh1 beh2 ...  (runs 2 behaviours at a time; logs in logs/)
mkdir -p logs
first=$1; n=$2; shift 2
run() { node scenario.js "$1" $first $n > logs/$1.$first.$n.log 2>&1; }
while [ $# -gt 0 ]; do
  run "$1" & p1=$!
  if [ $# -gt 1 ]; then run "$2" & p2=$!; wait $p2; fi
  wait $p1
  shift 2 2>/dev/null || shift 1
done
