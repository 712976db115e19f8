import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { connectApi } from './lib/api-client.js';
import { ConnectionState } from './lib/connection-state.svelte.js';

const connection = new ConnectionState();
const api = connectApi({ onConnectionLost: (message) => (connection.lost = message) });
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target, props: { api, connection } });
