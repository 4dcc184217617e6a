// The web app's entry: styles, then the App into #app.
import './styles.css';
import { render } from 'preact';
import { App } from './components/App.jsx';

render(<App />, document.getElementById('app'));
