#!/usr/bin/env node
import { runMain } from "@spotkit/runtime";
import { plugin } from "./plugin.js";

runMain(plugin);
