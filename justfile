# Mirrors package.json scripts; Bun comes from node_modules (npm install).
export PATH := "node_modules/.bin:" + env_var('PATH')

build:
    bun run build

test:
    bun run test

demo:
    bun run demo

bench:
    bun run bench

lint:
    bun run lint
